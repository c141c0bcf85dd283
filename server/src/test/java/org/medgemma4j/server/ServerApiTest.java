package org.medgemma4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The endpoints' shapes over plain HTTP: Ollama's, OpenAI's, /health and /metrics. */
class ServerApiTest {

    static TestServer server;
    static final ObjectMapper JSON = new ObjectMapper();
    static final String M = TestServer.MODEL;

    @BeforeAll
    static void start() throws Exception {
        server = new TestServer(2, 4, null);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static JsonNode ok(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    @Test
    void ollamaChatNotStreamedHasTheTimingFields() throws Exception {
        JsonNode r = ok(server.post("/api/chat", """
                {"model":"%s","stream":false,"messages":[{"role":"system","content":"Be brief."},
                 {"role":"user","content":"What is a fracture?"}],"keep_alive":"10m",
                 "options":{"temperature":0,"num_predict":5,"top_k":10,"top_p":0.9,"min_p":0.05,"seed":3,
                 "repeat_penalty":1.1,"repeat_last_n":32,"num_ctx":256,"stop":["zzz"]}}""".formatted(M)));
        assertThat(r.get("done").asBoolean()).isTrue();
        assertThat(r.get("done_reason").asText()).isIn("stop", "length");
        assertThat(r.path("message").path("role").asText()).isEqualTo("assistant");
        for (String f : new String[] {"total_duration", "load_duration", "prompt_eval_count", "prompt_eval_duration",
                "eval_count", "eval_duration"}) {
            assertThat(r.has(f)).as(f).isTrue();
        }
        assertThat(r.get("eval_count").asInt()).isBetween(0, 5);
    }

    @Test
    void ollamaGenerateStreamsNdjsonAndRawSkipsTheTemplate() throws Exception {
        HttpResponse<String> r = server.post("/api/generate", """
                {"model":"%s","prompt":"The femur is","raw":true,"options":{"temperature":0,"num_predict":4}}""".formatted(M));
        assertThat(r.statusCode()).isEqualTo(200);
        String[] lines = r.body().split("\n");
        JsonNode last = JSON.readTree(lines[lines.length - 1]);
        assertThat(last.get("done").asBoolean()).isTrue();
        assertThat(last.get("eval_count").asInt()).isEqualTo(4);
        assertThat(last.get("prompt_eval_count").asInt()).isLessThan(8); // no chat template around it
        JsonNode templated = ok(server.post("/api/generate", """
                {"model":"%s","prompt":"The femur is","system":"Answer as a radiologist.","stream":false,
                 "options":{"temperature":0,"num_predict":4}}""".formatted(M)));
        assertThat(templated.get("prompt_eval_count").asInt()).isGreaterThan(last.get("prompt_eval_count").asInt());
        assertThat(ok(server.post("/api/generate", "{\"model\":\"%s\"}".formatted(M))).get("done_reason").asText()).isEqualTo("load");
    }

    @Test
    void aFollowUpTurnReusesTheConversationPrefix() throws Exception {
        String first = """
                {"model":"%s","stream":false,"messages":[{"role":"user","content":"List three symptoms of anaemia."}],
                 "options":{"temperature":0,"num_predict":6}}""".formatted(M);
        JsonNode a = ok(server.post("/api/chat", first));
        String metricsBefore = server.get("/metrics").body();
        String second = """
                {"model":"%s","stream":false,"messages":[{"role":"user","content":"List three symptoms of anaemia."},
                 {"role":"assistant","content":%s},{"role":"user","content":"And causes?"}],
                 "options":{"temperature":0,"num_predict":2}}""".formatted(M, JSON.writeValueAsString(a.path("message").path("content").asText()));
        JsonNode b = ok(server.post("/api/chat", second));
        long evaluated = counter(server.get("/metrics").body(), "medgemma_prompt_tokens_total")
                - counter(metricsBefore, "medgemma_prompt_tokens_total");
        assertThat(evaluated).isLessThan(b.get("prompt_eval_count").asLong());
    }

    private static long counter(String metrics, String name) {
        return metrics.lines().filter(l -> l.startsWith(name + " ")).mapToLong(l -> Long.parseLong(l.split(" ")[1]))
                .findFirst().orElseThrow();
    }

    @Test
    void ollamaModelEndpoints() throws Exception {
        assertThat(ok(server.get("/api/tags")).path("models").get(0).path("name").asText()).isEqualTo(M);
        JsonNode show = ok(server.post("/api/show", "{\"model\":\"%s\"}".formatted(M)));
        assertThat(show.path("details").path("family").asText()).isEqualTo("gemma3");
        assertThat(show.path("template").asText()).contains("<start_of_turn>user");
        assertThat(show.path("capabilities").get(0).asText()).isEqualTo("completion");
        assertThat(show.path("parameters").asText()).contains("temperature");
        assertThat(show.toString()).doesNotContain(System.getProperty("user.home"));
        assertThat(ok(server.get("/api/ps")).path("models").get(0).has("expires_at")).isTrue();
        assertThat(ok(server.get("/api/version")).path("version").asText()).isNotBlank();
    }

    @Test
    void openAiCompletionsAndModels() throws Exception {
        JsonNode c = ok(server.post("/v1/completions", """
                {"model":"%s","prompt":"The tibia is","max_tokens":3,"temperature":0}""".formatted(M)));
        assertThat(c.get("object").asText()).isEqualTo("text_completion");
        assertThat(c.path("usage").path("completion_tokens").asInt()).isBetween(0, 3);
        HttpResponse<String> s = server.post("/v1/completions", """
                {"model":"%s","prompt":"The tibia is","max_tokens":3,"temperature":0,"stream":true}""".formatted(M));
        assertThat(s.headers().firstValue("content-type").orElseThrow()).contains("text/event-stream");
        assertThat(s.body()).endsWith("data: [DONE]\n\n");
        JsonNode models = ok(server.get("/v1/models"));
        assertThat(models.path("data").get(0).path("id").asText()).isEqualTo(M);
    }

    @Test
    void healthAndMetrics() throws Exception {
        assertThat(server.get("/health").statusCode()).isEqualTo(200);
        String metrics = server.get("/metrics").body();
        assertThat(metrics).contains("medgemma_requests_total", "medgemma_generated_tokens_total", "medgemma_queue_depth",
                "medgemma_decode_tokens_per_second");
    }
}
