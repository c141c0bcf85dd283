package org.medgemma4j.evaluation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Any OpenAI-compatible server as a chat backend ({@code POST BASE/v1/chat/completions}): medgemma serve,
 * llama-server, Ollama, vLLM. Requests run concurrently up to {@code parallel}; the server batches them.
 * A reasoning server's separate {@code reasoning_content} is kept before the answer as a thinking block.
 */
public final class OpenAiChat implements ChatBackend {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI endpoint;
    private final String model;
    private final String apiKey;
    private final int parallel;
    private final float temperature;
    private final Long seed;
    private final Duration timeout;
    private final HttpClient http;

    /**
     * @param base    the server's address, with or without the trailing {@code /v1}
     * @param apiKey  sent as a bearer token when not null
     * @param seed    sent when not null (servers that honour it give repeatable samples)
     */
    public OpenAiChat(String base, String model, String apiKey, int parallel, float temperature, Long seed, Duration timeout) {
        if (parallel < 1) {
            throw new IllegalArgumentException("--parallel must be at least 1");
        }
        String b = base.strip().replaceAll("/+$", "");
        if (!b.matches("(?i)https?://.+")) {
            throw new IllegalArgumentException("--url must be an http(s) address, got '" + base + "'");
        }
        this.endpoint = URI.create(b.endsWith("/v1") ? b + "/chat/completions" : b + "/v1/chat/completions");
        this.model = model;
        this.apiKey = apiKey;
        this.parallel = parallel;
        this.temperature = temperature;
        this.seed = seed;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).version(HttpClient.Version.HTTP_1_1).build();
    }

    @Override
    public String reply(String userMessage, int maxTokens) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", model);
        body.putArray("messages").addObject().put("role", "user").put("content", userMessage);
        body.put("temperature", temperature);
        if (maxTokens > 0) {
            body.put("max_tokens", maxTokens);
        }
        if (seed != null) {
            body.put("seed", seed);
        }
        HttpRequest.Builder req = HttpRequest.newBuilder(endpoint).timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        if (apiKey != null && !apiKey.isBlank()) {
            req.header("Authorization", "Bearer " + apiKey);
        }
        HttpResponse<String> resp;
        try {
            resp = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for " + endpoint, e);
        } catch (IOException e) {
            throw new IOException(endpoint + ": " + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()), e);
        }
        if (resp.statusCode() / 100 != 2) {
            String text = resp.body();
            throw new IOException(endpoint + " answered HTTP " + resp.statusCode() + ": "
                    + (text.length() > 300 ? text.substring(0, 300) + "..." : text));
        }
        JsonNode message;
        try {
            message = JSON.readTree(resp.body()).path("choices").path(0).path("message");
        } catch (IOException e) {
            throw new IOException(endpoint + " answered something that is not JSON: " + e.getMessage(), e);
        }
        if (message.isMissingNode()) {
            throw new IOException(endpoint + " answered without choices[0].message: " + resp.body());
        }
        String content = message.path("content").isTextual() ? message.get("content").asText() : "";
        String reasoning = message.path("reasoning_content").isTextual() ? message.get("reasoning_content").asText() : "";
        return reasoning.isEmpty() ? content : "<unused94>" + reasoning + "<unused95>" + content;
    }

    @Override
    public int parallelism() {
        return parallel;
    }

    @Override
    public String modelName() {
        return model;
    }

    @Override
    public void close() {
        http.close();
    }
}
