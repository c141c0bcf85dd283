package org.medgemma4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.ollama.OllamaChatModel;
import dev.langchain4j.model.ollama.OllamaStreamingChatModel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Real client libraries against a running server: the OpenAI Java SDK and LangChain4j's Ollama models. */
class ServerClientsTest {

    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = new TestServer(2, 8, null);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static OpenAIClient openAi() {
        return OpenAIOkHttpClient.builder().baseUrl(server.base + "/v1").apiKey("unused")
                .timeout(Duration.ofSeconds(60)).maxRetries(0).build();
    }

    private static ChatCompletionCreateParams openAiParams() {
        return ChatCompletionCreateParams.builder().model(TestServer.MODEL)
                .addSystemMessage("You are a terse assistant.").addUserMessage("Name a bone of the arm.")
                .temperature(0.0).maxCompletionTokens(12).build();
    }

    @Test
    void openAiSdkChat() {
        ChatCompletion completion = openAi().chat().completions().create(openAiParams());
        assertThat(completion.model()).isEqualTo(TestServer.MODEL);
        assertThat(completion.choices()).hasSize(1);
        assertThat(completion.choices().getFirst().message().content()).isPresent();
        assertThat(completion.choices().getFirst().finishReason().asString()).isIn("stop", "length");
        assertThat(completion.usage()).isPresent();
        assertThat(completion.usage().get().promptTokens()).isPositive();
        assertThat(completion.usage().get().completionTokens()).isBetween(0L, 12L);
    }

    @Test
    void openAiSdkStreamedChatMatchesTheWholeAnswer() {
        OpenAIClient client = openAi();
        String whole = client.chat().completions().create(openAiParams()).choices().getFirst().message().content().orElseThrow();
        StringBuilder streamed = new StringBuilder();
        String[] finish = new String[1];
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(openAiParams())) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(c -> {
                c.delta().content().ifPresent(streamed::append);
                c.finishReason().ifPresent(f -> finish[0] = f.asString());
            }));
        }
        assertThat(streamed.toString()).isEqualTo(whole);
        assertThat(finish[0]).isIn("stop", "length");
    }

    @Test
    void langChain4jOllamaChat() {
        OllamaChatModel model = OllamaChatModel.builder().baseUrl(server.base).modelName(TestServer.MODEL)
                .temperature(0.0).numPredict(12).timeout(Duration.ofSeconds(60)).build();
        ChatResponse response = model.chat(dev.langchain4j.data.message.UserMessage.from("Name a bone of the arm."));
        assertThat(response.aiMessage().text()).isNotNull();
        assertThat(response.tokenUsage().inputTokenCount()).isPositive();
        assertThat(response.tokenUsage().outputTokenCount()).isBetween(0, 12);
    }

    @Test
    void langChain4jOllamaStreamingChatMatchesTheWholeAnswer() throws Exception {
        OllamaChatModel whole = OllamaChatModel.builder().baseUrl(server.base).modelName(TestServer.MODEL)
                .temperature(0.0).numPredict(12).timeout(Duration.ofSeconds(60)).build();
        String expected = whole.chat("Name a bone of the leg.");
        OllamaStreamingChatModel model = OllamaStreamingChatModel.builder().baseUrl(server.base)
                .modelName(TestServer.MODEL).temperature(0.0).numPredict(12).timeout(Duration.ofSeconds(60)).build();
        StringBuilder partial = new StringBuilder();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        model.chat("Name a bone of the leg.", new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String text) {
                partial.append(text);
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                done.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        ChatResponse response = done.get(60, TimeUnit.SECONDS);
        assertThat(partial.toString()).isEqualTo(expected);
        assertThat(response.aiMessage().text()).isEqualTo(expected);
    }
}
