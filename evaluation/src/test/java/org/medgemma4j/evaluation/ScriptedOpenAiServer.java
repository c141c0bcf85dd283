package org.medgemma4j.evaluation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * An OpenAI-compatible chat endpoint (JDK HttpServer) whose replies come from a script: the user message in,
 * the reply out. A reply starting with {@value #REASONING} is sent as the {@code reasoning_content} field up to
 * {@value #SPLIT}, the rest as {@code content} (how llama-server and vLLM return a reasoning model's thinking).
 * Counts requests and the most that were in flight at once.
 */
final class ScriptedOpenAiServer implements AutoCloseable {

    static final String REASONING = "REASONING:";
    static final String SPLIT = "|CONTENT:";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final int delayMillis;

    ScriptedOpenAiServer(Function<String, String> script, int delayMillis) throws IOException {
        this.delayMillis = delayMillis;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(16));
        server.createContext("/v1/chat/completions", ex -> {
            try (ex) {
                handle(ex, script);
            }
        });
        server.start();
    }

    private void handle(HttpExchange ex, Function<String, String> script) throws IOException {
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        try {
            requests.incrementAndGet();
            JsonNode req = JSON.readTree(ex.getRequestBody());
            if (!"POST".equals(ex.getRequestMethod()) || !req.path("messages").isArray() || !req.path("model").isTextual()) {
                send(ex, 400, "{\"error\":\"bad request\"}");
                return;
            }
            String reply = script.apply(req.path("messages").path(0).path("content").asText());
            Thread.sleep(delayMillis);
            ObjectNode message = JSON.createObjectNode().put("role", "assistant");
            if (reply.startsWith(REASONING)) {
                int split = reply.indexOf(SPLIT);
                message.put("reasoning_content", reply.substring(REASONING.length(), split));
                message.put("content", reply.substring(split + SPLIT.length()));
            } else {
                message.put("content", reply);
            }
            ObjectNode body = JSON.createObjectNode().put("object", "chat.completion").put("model", req.path("model").asText());
            body.putArray("choices").addObject().put("index", 0).put("finish_reason", "stop").set("message", message);
            send(ex, 200, JSON.writeValueAsString(body));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    int requests() {
        return requests.get();
    }

    int maxInFlight() {
        return maxInFlight.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
