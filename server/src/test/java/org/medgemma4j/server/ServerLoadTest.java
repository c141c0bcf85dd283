package org.medgemma4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Many clients at once: identical greedy streams under batching, and disconnects that leave no trace. */
class ServerLoadTest {

    static TestServer server;
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception {
        server = new TestServer(4, 16, null);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String chatRequest(int i, int numPredict) {
        return """
                {"model":"%s","messages":[{"role":"user","content":"Patient %d reports pain in the %s."}],
                 "options":{"temperature":0,"num_predict":%d}}""".formatted(TestServer.MODEL, i,
                i % 2 == 0 ? "left knee" : "lower back", numPredict);
    }

    /** Reads a whole NDJSON chat stream, checking its form; returns the answer text. */
    private static String streamedAnswer(String body) throws Exception {
        var response = server.post("/api/chat", body);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).contains("ndjson"));
        String[] lines = response.body().split("\n");
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < lines.length; i++) {
            JsonNode line = JSON.readTree(lines[i]);
            boolean last = i == lines.length - 1;
            assertThat(line.get("done").asBoolean()).isEqualTo(last);
            assertThat(line.path("message").path("role").asText()).isEqualTo("assistant");
            text.append(line.path("message").path("content").asText());
            if (last) {
                assertThat(line.get("done_reason").asText()).isIn("stop", "length");
                assertThat(line.get("eval_count").asInt()).isPositive();
                assertThat(line.get("total_duration").asLong()).isPositive();
            }
        }
        return text.toString();
    }

    @Test
    void sixteenConcurrentGreedyStreamsMatchLoneClients() throws Exception {
        int clients = 16;
        List<String> alone = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            alone.add(streamedAnswer(chatRequest(i, 20)));
        }
        try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
            List<Future<String>> together = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                int n = i;
                together.add(pool.submit(() -> streamedAnswer(chatRequest(n, 20))));
            }
            for (int i = 0; i < clients; i++) {
                assertThat(together.get(i).get(120, TimeUnit.SECONDS)).as("client %d", i).isEqualTo(alone.get(i));
            }
        }
    }

    @Test
    void disconnectedClientsLeaveTheServerHealthy() throws Exception {
        warmUp();
        long baseline = usedHeapAfterGc();
        int threadsBefore = Thread.activeCount();
        long generatedBefore = generatedTokens();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<?>> all = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                int n = i;
                all.add(pool.submit(() -> {
                    disconnectAfterFirstLine(chatRequest(n, 400));
                    return null;
                }));
            }
            for (Future<?> f : all) {
                f.get(120, TimeUnit.SECONDS);
            }
        }
        awaitIdle();
        // each hung-up request stopped soon after its client left, far short of its 400 tokens
        assertThat(generatedTokens() - generatedBefore).isLessThan(100L * 400 / 4);
        assertThat(server.get("/health").statusCode()).isEqualTo(200);
        assertThat(streamedAnswer(chatRequest(0, 4))).isNotNull();
        assertThat(usedHeapAfterGc()).isLessThan(baseline + 32L * 1024 * 1024);
        assertThat(Thread.activeCount()).isLessThan(threadsBefore + 16);
    }

    @Test
    void hungUpWholeAnswersStopGenerating() throws Exception {
        warmUp();
        long generatedBefore = generatedTokens();
        int clients = 8;
        try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
            List<Future<?>> all = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                int n = i;
                all.add(pool.submit(() -> {
                    hangUpWhileGenerating(chatRequest(n, 400).replace("\"options\"", "\"stream\":false,\"options\""));
                    return null;
                }));
            }
            for (Future<?> f : all) {
                f.get(120, TimeUnit.SECONDS);
            }
        }
        awaitIdle();
        // nothing is written until a whole answer is done, yet each stopped soon after its client left
        assertThat(generatedTokens() - generatedBefore).isLessThan(clients * 400L / 4);
        assertThat(streamedAnswer(chatRequest(0, 4))).isNotNull();
    }

    @Test
    void wholeAnswersKeepTheConnectionAlive() throws Exception {
        String body = chatRequest(1, 3).replace("\"options\"", "\"stream\":false,\"options\"");
        try (Socket socket = new Socket("127.0.0.1", server.server.port())) {
            socket.setSoTimeout(60_000);
            InputStream in = socket.getInputStream();
            for (int round = 0; round < 3; round++) {
                sendChat(socket.getOutputStream(), body, false);
                String head = responseHead(in);
                assertThat(head).as("round %d", round).startsWith("HTTP/1.1 200").doesNotContainIgnoringCase("connection: close");
                int length = head.lines().filter(h -> h.toLowerCase().startsWith("content-length:"))
                        .mapToInt(h -> Integer.parseInt(h.substring(15).trim())).findFirst().orElseThrow();
                byte[] answer = in.readNBytes(length);
                assertThat(JSON.readTree(answer).path("done").asBoolean()).as("round %d", round).isTrue();
            }
        }
    }

    /** The status line and headers of a response, up to the blank line. */
    private static String responseHead(InputStream in) throws Exception {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new AssertionError("the connection closed after " + head);
            }
            head.append((char) b);
        }
        return head.toString();
    }

    /** Sends a non-streamed chat over a raw socket and hangs up once the server is generating. */
    private static void hangUpWhileGenerating(String body) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.server.port())) {
            sendChat(socket.getOutputStream(), body, false);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (server.get("/metrics").body().contains("\nmedgemma_active_slots 0\n") && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            Thread.sleep(100);
        }
    }

    private static void sendChat(OutputStream out, String body, boolean close) throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        out.write(("POST /api/chat HTTP/1.1\r\nHost: 127.0.0.1\r\n" + (close ? "Connection: close\r\n" : "")
                + "Content-Type: application/json\r\nContent-Length: " + bytes.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.flush();
    }

    private static long generatedTokens() throws Exception {
        return server.get("/metrics").body().lines().filter(l -> l.startsWith("medgemma_generated_tokens_total "))
                .mapToLong(l -> Long.parseLong(l.split(" ")[1])).findFirst().orElseThrow();
    }

    private static void warmUp() throws Exception {
        for (int i = 0; i < 4; i++) {
            streamedAnswer(chatRequest(i, 4));
        }
    }

    /** Sends a streamed chat over a raw socket, reads the first line of the answer, and hangs up. */
    private static void disconnectAfterFirstLine(String body) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.server.port())) {
            socket.setSoTimeout(60_000);
            // Connection: close, so a response that ends without an answer line ends the read too
            sendChat(socket.getOutputStream(), body, true);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            List<String> received = new ArrayList<>();
            String line;
            while ((line = in.readLine()) != null && !line.contains("\"done\"")) {
                received.add(line); // status line, headers and the first chunk size
            }
            assertThat(received).as("response head").isNotEmpty();
            assertThat(received.getFirst()).startsWith("HTTP/1.1 200");
            assertThat(line).as("first answer line after %s", received).contains("\"done\":false");
        }
    }

    /** Waits until no slot is generating and nothing waits (bounded). */
    private static void awaitIdle() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            String metrics = server.get("/metrics").body();
            if (metrics.contains("\nmedgemma_active_slots 0\n") && metrics.contains("\nmedgemma_queue_depth 0\n")) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the server did not become idle: " + server.get("/metrics").body());
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
