package org.medgemma4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad requests get a 4xx with a clear message in the API's own error format, and the server keeps serving. */
class ServerBadInputTest {

    static TestServer server;
    static final ObjectMapper JSON = new ObjectMapper();
    static final String M = TestServer.MODEL;
    static final String USER = "[{\"role\":\"user\",\"content\":\"hi\"}]";

    @BeforeAll
    static void start() throws Exception {
        server = new TestServer(1, 1, "test-key");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static HttpResponse<String> post(String path, String body) throws Exception {
        return server.http.send(HttpRequest.newBuilder(URI.create(server.base + path))
                .header("Authorization", "Bearer test-key").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The message of an error in the format the path's API uses. */
    private static String errorMessage(String path, HttpResponse<String> r) throws Exception {
        JsonNode body = JSON.readTree(r.body());
        if (path.startsWith("/v1/")) {
            assertThat(body.path("error").path("type").asText()).isNotEmpty();
            return body.path("error").path("message").asText();
        }
        assertThat(body.path("error").isTextual()).as(r.body()).isTrue();
        return body.path("error").asText();
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            /api/chat | {not json                                                                  | 400 | invalid JSON
            /api/chat | [1,2]                                                                      | 400 | JSON object
            /api/chat | {"model":"nope","messages":USER}                                           | 404 | not found
            /api/chat | {"messages":USER}                                                          | 400 | 'model' is required
            /api/chat | {"model":"M","messages":[],"keep_alive":"soon"}                            | 400 | not a duration
            /api/chat | {"model":"M","messages":"hi"}                                              | 400 | must be an array
            /api/chat | {"model":"M","messages":[{"role":"assistant","content":"a"},{"role":"user","content":"b"}]} | 400 | alternate
            /api/chat | {"model":"M","messages":[{"role":"doctor","content":"a"}]}                 | 400 | unknown role
            /api/chat | {"model":"M","messages":USER,"options":{"temperature":-1}}                 | 400 | temperature
            /api/chat | {"model":"M","messages":USER,"options":{"temperature":"hot"}}              | 400 | must be a number
            /api/chat | {"model":"M","messages":USER,"options":{"num_predict":100000000}}          | 400 | num_predict
            /api/chat | {"model":"M","messages":USER,"options":{"top_p":0}}                        | 400 | top_p
            /api/chat | {"model":"M","messages":USER,"stream":"yes"}                               | 400 | true or false
            /api/chat | {"model":"M","messages":USER,"keep_alive":"soon"}                          | 400 | keep_alive
            /api/generate | {"model":"M","prompt":7}                                               | 400 | must be a string
            /api/generate | {"model":"M","prompt":"hi","options":{"num_ctx":-5}}                   | 400 | num_ctx
            /api/show | {"model":"nope"}                                                            | 404 | not found
            /v1/chat/completions | {not json                                                       | 400 | invalid JSON
            /v1/chat/completions | {"model":"nope","messages":USER}                                | 404 | not found
            /v1/chat/completions | {"model":"M","messages":[]}                                     | 400 | must not be empty
            /v1/chat/completions | {"model":"M","messages":[{"role":"user","content":"x"}],"top_logprobs":3} | 400 | needs 'logprobs'
            /v1/chat/completions | {"model":"M","messages":[{"role":"user","content":"x"}],"logprobs":true,"top_logprobs":21} | 400 | between 0 and 20
            /v1/chat/completions | {"model":"M","messages":USER,"temperature":-0.5}                | 400 | temperature
            /v1/chat/completions | {"model":"M","messages":USER,"max_tokens":100000000}            | 400 | max_tokens
            /v1/chat/completions | {"model":"M","messages":USER,"n":3}                             | 400 | n=1
            /v1/chat/completions | {"model":"M","messages":[{"role":"user","content":[{"type":"image_url"}]}]} | 400 | needs 'image_url'
            /v1/completions | {"model":"M","prompt":""}                                            | 400 | must not be empty
            /v1/nothing | {}                                                                       | 404 | no such endpoint
            """)
    void badRequestsAreRefusedInTheApisFormat(String path, String body, int status, String message) throws Exception {
        HttpResponse<String> r = post(path, body.replace("USER", USER).replace("\"M\"", "\"" + M + "\""));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(errorMessage(path, r)).containsIgnoringCase(message);
        assertThat(r.body()).doesNotContain("Exception", "at org.", System.getProperty("user.home"));
        assertThat(post("/api/chat", """
                {"model":"%s","stream":false,"messages":%s,"options":{"num_predict":1}}""".formatted(M, USER)).statusCode())
                .isEqualTo(200);
    }

    @Test
    void tooPromptLongAndTooLargeBodiesAreRefused() throws Exception {
        String longText = "word ".repeat(2000);
        HttpResponse<String> r = post("/api/chat", """
                {"model":"%s","messages":[{"role":"user","content":"%s"}]}""".formatted(M, longText));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(errorMessage("/api/chat", r)).contains("the context holds");
        HttpResponse<String> big = post("/v1/chat/completions", "{\"pad\":\"" + "x".repeat(70 * 1024) + "\"}");
        assertThat(big.statusCode()).isEqualTo(413);
        assertThat(errorMessage("/v1/", big)).contains("limit");
    }

    @Test
    void everyRouteButHealthNeedsTheKey() throws Exception {
        HttpResponse<String> none = server.get("/api/tags");
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        HttpResponse<String> wrong = server.http.send(HttpRequest.newBuilder(URI.create(server.base + "/v1/models"))
                .header("Authorization", "Bearer nope").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(wrong.body()).path("error").path("code").asText()).isEqualTo("invalid_api_key");
        assertThat(server.get("/metrics").statusCode()).isEqualTo(401);
        assertThat(server.get("/health").statusCode()).isEqualTo(200);
    }

    @Test
    void aFullQueueAnswers503WithRetryAfter() throws Exception {
        // one slot and a queue of one: of eight requests sent at once, at most two are taken
        String request = """
                {"model":"%s","messages":%s,"max_tokens":200}""".formatted(M, USER);
        List<HttpResponse<String>> responses = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            CountDownLatch ready = new CountDownLatch(8);
            List<Future<HttpResponse<String>>> all = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                all.add(pool.submit(() -> {
                    ready.countDown();
                    ready.await();
                    return post("/v1/chat/completions", request);
                }));
            }
            for (Future<HttpResponse<String>> f : all) {
                responses.add(f.get(60, TimeUnit.SECONDS));
            }
        }
        List<HttpResponse<String>> refused = responses.stream().filter(r -> r.statusCode() == 503).toList();
        assertThat(refused).isNotEmpty();
        assertThat(responses).allSatisfy(r -> assertThat(r.statusCode()).isIn(200, 503));
        assertThat(refused.getFirst().headers().firstValue("Retry-After")).isPresent();
        assertThat(errorMessage("/v1/", refused.getFirst())).contains("busy");
    }
}
