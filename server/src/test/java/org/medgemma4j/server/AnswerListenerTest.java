package org.medgemma4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.medgemma4j.generate.GenerationOptions;
import org.medgemma4j.generate.GenerationResult;
import org.medgemma4j.generate.LoadedModel;
import org.medgemma4j.testing.FixtureModels;

/**
 * The answer listener (serve --audit's hook) hears every completed answer once, on every API, streamed or not,
 * with the prompt the model read, the options it ran with and the very text the client received; a failing
 * listener does not fail the request.
 */
class AnswerListenerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    record Heard(String prompt, int images, GenerationOptions options, GenerationResult result) {
    }

    private static ServerConfig config(AnswerListener listener) {
        return new ServerConfig("tiny", "127.0.0.1", 0, 2, 512, 32, 4, null, 64 * 1024, false,
                Origins.withDefaults(List.of()), java.util.function.UnaryOperator.identity(), 0, listener);
    }

    private static HttpResponse<String> post(HttpClient http, int port, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void everyAnswerIsHeardOnceWithWhatTheClientReceived() throws Exception {
        List<Heard> heard = new ArrayList<>();
        AnswerListener listener = (model, prompt, images, options, result) -> {
            synchronized (heard) {
                heard.add(new Heard(prompt, images, options, result));
            }
        };
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try (LoadedModel model = LoadedModel.open(FixtureModels.f32(FixtureModels.TINY), 2);
             MedgemmaServer server = MedgemmaServer.start(model, config(listener))) {
            int port = server.port();
            // Ollama generate, not streamed
            HttpResponse<String> gen = post(http, port, "/api/generate", "{\"model\":\"tiny\",\"prompt\":\"first question\","
                    + "\"raw\":true,\"stream\":false,\"options\":{\"temperature\":0,\"seed\":7,\"num_predict\":5}}");
            assertThat(gen.statusCode()).as(gen.body()).isEqualTo(200);
            String generated = JSON.readTree(gen.body()).get("response").asText();
            // Ollama chat, streamed (NDJSON)
            HttpResponse<String> chat = post(http, port, "/api/chat", "{\"model\":\"tiny\",\"messages\":[{\"role\":\"user\","
                    + "\"content\":\"second question\"}],\"options\":{\"temperature\":0,\"num_predict\":4}}");
            assertThat(chat.statusCode()).as(chat.body()).isEqualTo(200);
            StringBuilder chatText = new StringBuilder();
            for (String line : chat.body().split("\n")) {
                JsonNode j = JSON.readTree(line);
                chatText.append(j.path("message").path("content").asText(""));
            }
            // OpenAI chat, three at once
            ExecutorService pool = Executors.newFixedThreadPool(3);
            List<Future<HttpResponse<String>>> openai = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                String body = "{\"model\":\"tiny\",\"max_tokens\":3,\"temperature\":0,\"messages\":[{\"role\":\"user\","
                        + "\"content\":\"question " + (3 + i) + "\"}]}";
                openai.add(pool.submit(() -> post(http, port, "/v1/chat/completions", body)));
            }
            List<String> openaiAnswers = new ArrayList<>();
            for (Future<HttpResponse<String>> f : openai) {
                HttpResponse<String> r = f.get();
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                openaiAnswers.add(JSON.readTree(r.body()).at("/choices/0/message/content").asText());
            }
            pool.shutdown();

            synchronized (heard) {
                assertThat(heard).hasSize(5);
                Heard first = heard.get(0);
                assertThat(first.prompt()).contains("first question");
                assertThat(first.result().text()).isEqualTo(generated);
                assertThat(first.options().sampling().seed()).isEqualTo(7);
                assertThat(first.options().maxTokens()).isEqualTo(5);
                assertThat(first.images()).isZero();
                Heard second = heard.get(1);
                // the chat template as the model read it
                assertThat(second.prompt()).contains("<start_of_turn>user").contains("second question");
                assertThat(second.result().text()).isEqualTo(chatText.toString());
                List<String> prompts = heard.subList(2, 5).stream().map(Heard::prompt).toList();
                for (int i = 3; i < 6; i++) {
                    int q = i;
                    assertThat(prompts).anySatisfy(p -> assertThat(p).contains("question " + q));
                }
                assertThat(heard.subList(2, 5).stream().map(h -> h.result().text()).toList())
                        .containsExactlyInAnyOrderElementsOf(openaiAnswers);
            }
        }
    }

    @Test
    void aFailingListenerDoesNotFailTheRequest() throws Exception {
        AnswerListener broken = (model, prompt, images, options, result) -> {
            throw new IllegalStateException("disk full");
        };
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try (LoadedModel model = LoadedModel.open(FixtureModels.f32(FixtureModels.TINY), 2);
             MedgemmaServer server = MedgemmaServer.start(model, config(broken))) {
            HttpResponse<String> r = post(http, server.port(), "/api/generate", "{\"model\":\"tiny\",\"prompt\":\"hi\","
                    + "\"stream\":false,\"options\":{\"num_predict\":2}}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(JSON.readTree(r.body()).get("done").asBoolean()).isTrue();
        }
    }
}
