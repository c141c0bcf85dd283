package org.medgemma4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.ResponseFormatJsonObject;
import com.openai.models.ResponseFormatJsonSchema;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.json.JsonRawSchema;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.ollama.OllamaChatModel;
import dev.langchain4j.model.ollama.OllamaStreamingChatModel;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.medgemma4j.structured.SchemaCheck;

/**
 * Structured output through the real clients on the random-weight fixture, whose free text is gibberish:
 * OpenAI's Java SDK with response_format json_schema (strict) and json_object, LangChain4j's Ollama models
 * with a schema as Ollama's format, streamed and whole, and plain HTTP for format "json", llama.cpp's
 * grammar field and unusable schemas (400 naming the keyword).
 */
class ServerStructuredOutputTest {

    static TestServer server;
    static final ObjectMapper JSON = new ObjectMapper();
    static final String NOTE = "Extract as JSON: 58-year-old man, asthma (J45.909), on lisinopril 10 mg PO since 2023-04-01.";

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
                .timeout(Duration.ofSeconds(120)).maxRetries(0).build();
    }

    private static ResponseFormatJsonSchema openAiSchema(String schema) {
        ResponseFormatJsonSchema.JsonSchema.Schema.Builder s = ResponseFormatJsonSchema.JsonSchema.Schema.builder();
        SchemaCheck.schema(schema).properties().forEach(e -> s.putAdditionalProperty(e.getKey(), JsonValue.fromJsonNode(e.getValue())));
        return ResponseFormatJsonSchema.builder().jsonSchema(ResponseFormatJsonSchema.JsonSchema.builder()
                .name("extraction").strict(true).schema(s.build()).build()).build();
    }

    private static ChatCompletionCreateParams.Builder params(double temperature, long seed) {
        return ChatCompletionCreateParams.builder().model(TestServer.MODEL).addUserMessage(NOTE)
                .temperature(temperature).seed(seed).maxCompletionTokens(400);
    }

    @Test
    void openAiSdkJsonSchemaAnswersValidate() throws Exception {
        OpenAIClient client = openAi();
        double[] temperatures = {0.0, 1.0, 1.3};
        for (int i = 0; i < 3; i++) {
            String schema = i % 2 == 0 ? SchemaCheck.MEDICATIONS : SchemaCheck.EXTRACTION;
            ChatCompletion c = client.chat().completions().create(params(temperatures[i], 40 + i)
                    .responseFormat(openAiSchema(schema)).build());
            String content = c.choices().getFirst().message().content().orElseThrow();
            assertThat(c.choices().getFirst().finishReason().asString()).as(content).isEqualTo("stop");
            assertThat(SchemaCheck.problems(schema, content)).as(content).isEmpty();
        }
    }

    @Test
    void openAiSdkStreamedJsonSchemaAnswerEqualsTheWholeOne() throws Exception {
        OpenAIClient client = openAi();
        ChatCompletionCreateParams p = params(0.8, 7).responseFormat(openAiSchema(SchemaCheck.EXTRACTION)).build();
        String whole = client.chat().completions().create(p).choices().getFirst().message().content().orElseThrow();
        StringBuilder streamed = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(p)) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(c -> c.delta().content().ifPresent(streamed::append)));
        }
        assertThat(streamed.toString()).isEqualTo(whole);
        assertThat(SchemaCheck.problems(SchemaCheck.EXTRACTION, whole)).as(whole).isEmpty();
    }

    @Test
    void openAiSdkJsonObjectModeStartsAnObject() throws Exception {
        ChatCompletion c = openAi().chat().completions().create(params(1.0, 3).maxCompletionTokens(24)
                .responseFormat(ResponseFormatJsonObject.builder().build()).build());
        String content = c.choices().getFirst().message().content().orElseThrow();
        assertThat(content).startsWith("{");
        if (c.choices().getFirst().finishReason().asString().equals("stop")) {
            assertThat(JSON.readTree(content).isObject()).isTrue();
        }
    }

    private static ResponseFormat ollamaFormat(String schema) {
        return ResponseFormat.builder().type(ResponseFormatType.JSON)
                .jsonSchema(JsonSchema.builder().name("extraction").rootElement(JsonRawSchema.from(schema)).build()).build();
    }

    @Test
    void langChain4jOllamaSchemaAnswersValidate() throws Exception {
        for (int i = 0; i < 2; i++) {
            String schema = i == 0 ? SchemaCheck.EXTRACTION : SchemaCheck.MEDICATIONS;
            OllamaChatModel model = OllamaChatModel.builder().baseUrl(server.base).modelName(TestServer.MODEL)
                    .temperature(i == 0 ? 0.0 : 1.2).seed(90 + i).numPredict(400).timeout(Duration.ofSeconds(120)).build();
            ChatResponse r = model.chat(ChatRequest.builder().messages(UserMessage.from(NOTE)).responseFormat(ollamaFormat(schema)).build());
            String text = r.aiMessage().text();
            assertThat(SchemaCheck.problems(schema, text)).as(text).isEmpty();
        }
    }

    @Test
    void langChain4jOllamaStreamingSchemaAnswerValidates() throws Exception {
        OllamaStreamingChatModel model = OllamaStreamingChatModel.builder().baseUrl(server.base).modelName(TestServer.MODEL)
                .temperature(0.9).seed(5).numPredict(400).timeout(Duration.ofSeconds(120)).build();
        StringBuilder partial = new StringBuilder();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        model.chat(ChatRequest.builder().messages(UserMessage.from(NOTE)).responseFormat(ollamaFormat(SchemaCheck.MEDICATIONS)).build(),
                new StreamingChatResponseHandler() {
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
        ChatResponse r = done.get(120, TimeUnit.SECONDS);
        assertThat(r.aiMessage().text()).isEqualTo(partial.toString());
        assertThat(SchemaCheck.problems(SchemaCheck.MEDICATIONS, partial.toString())).as(partial.toString()).isEmpty();
    }

    @Test
    void ollamaGenerateWithASchemaAndLlamaCppsGrammarField() throws Exception {
        String body = """
                {"model":"%s","prompt":"%s","stream":false,"format":%s,"options":{"temperature":1,"seed":4,"num_predict":400}}"""
                .formatted(TestServer.MODEL, NOTE, SchemaCheck.EXTRACTION);
        HttpResponse<String> r = server.post("/api/generate", body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String text = JSON.readTree(r.body()).get("response").asText();
        assertThat(SchemaCheck.problems(SchemaCheck.EXTRACTION, text)).as(text).isEmpty();

        String gbnf = "root ::= \\\"dose: \\\" [1-9] [0-9]? \\\" mg\\\"\\n";
        HttpResponse<String> g = server.post("/v1/chat/completions", """
                {"model":"%s","messages":[{"role":"user","content":"dose?"}],"grammar":"%s","seed":2,"max_tokens":20}"""
                .formatted(TestServer.MODEL, gbnf));
        assertThat(g.statusCode()).as(g.body()).isEqualTo(200);
        assertThat(JSON.readTree(g.body()).at("/choices/0/message/content").asText()).matches("dose: [1-9][0-9]? mg");
    }

    @Test
    void unusableSchemasAndGrammarsAreA400NamingTheProblem() throws Exception {
        Map<String, String[]> cases = new HashMap<>();
        cases.put("patternProperties", new String[] {"/api/chat",
                "{\"model\":\"M\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"format\":{\"type\":\"object\",\"patternProperties\":{}}}"});
        cases.put("'format'", new String[] {"/api/generate", "{\"model\":\"M\",\"prompt\":\"x\",\"format\":\"yaml\"}"});
        cases.put("uniqueItems", new String[] {"/v1/chat/completions",
                "{\"model\":\"M\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"response_format\":{\"type\":\"json_schema\","
                        + "\"json_schema\":{\"name\":\"a\",\"strict\":true,\"schema\":{\"type\":\"array\",\"uniqueItems\":true}}}}"});
        cases.put("response_format.type", new String[] {"/v1/chat/completions",
                "{\"model\":\"M\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"response_format\":{\"type\":\"xml\"}}"});
        cases.put("undefined rule 'b'", new String[] {"/v1/completions", "{\"model\":\"M\",\"prompt\":\"x\",\"grammar\":\"root ::= b\"}"});
        for (Map.Entry<String, String[]> c : cases.entrySet()) {
            HttpResponse<String> r = server.post(c.getValue()[0], c.getValue()[1].replace("\"M\"", "\"" + TestServer.MODEL + "\""));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
            JsonNode error = JSON.readTree(r.body()).get("error");
            String message = error.isTextual() ? error.asText() : error.get("message").asText();
            assertThat(message).contains(c.getKey());
        }
    }
}
