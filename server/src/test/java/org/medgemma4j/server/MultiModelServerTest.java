package org.medgemma4j.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.ollama.OllamaChatModel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.medgemma4j.gguf.GgufFile;
import org.medgemma4j.model.KvCacheType;
import org.medgemma4j.store.HfClient;
import org.medgemma4j.store.ModelStore;
import org.medgemma4j.store.OllamaStore;
import org.medgemma4j.store.fit.MemoryGuard;
import org.medgemma4j.testing.FixtureModels;

/**
 * One server over a test Ollama store holding two fixture models, served by name: the second loaded on demand
 * (evicting the first, as the memory budget holds one), Ollama's preload and unload idioms, keep_alive expiry,
 * /api/ps, /api/pull from a stand-in Hugging Face, /api/copy, /api/delete, and the real `ollama` JS client and
 * LangChain4j against it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MultiModelServerTest {

    static final String F32 = "medgemma-tiny:latest";
    static final String Q8 = "medgemma-tiny:q8";
    static final int CTX = 256;
    static final int BATCH = 32;
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    static Path home;
    static Path ollama;
    static RegistryStandIn registry;
    static MedgemmaServer server;
    static String base;

    @BeforeAll
    static void start() throws Exception {
        Path root = Files.createDirectories(Path.of("target", "multi-model-test")).toAbsolutePath();
        deleteTree(root);
        home = Files.createDirectories(root.resolve("medgemma-home"));
        ollama = Files.createDirectories(root.resolve("ollama-models"));
        Path f32 = FixtureModels.f32(FixtureModels.TINY);
        Path q8 = FixtureModels.quantized(FixtureModels.TINY, "Q8_0");
        ollamaModel("medgemma-tiny", "latest", f32);
        ollamaModel("medgemma-tiny", "q8", q8);
        registry = new RegistryStandIn("test-org", "tiny-GGUF", "tiny-Q2_K.gguf", FixtureModels.quantized(FixtureModels.TINY, "Q2_K"));
        // room for one of the two at a time, so loading the other evicts the idle one
        long budget = need(f32) + need(q8) - 1;
        ModelLibrary library = ModelLibrary.stores(new ModelStore(home), new OllamaStore(ollama));
        MedgemmaServer.PoolOptions options = new MedgemmaServer.PoolOptions(2, budget, "test budget", Duration.ofMinutes(5),
                List.of(), new HfClient(registry.endpoint(), null));
        server = MedgemmaServer.start(library, options,
                new ServerConfig("", "127.0.0.1", 0, 1, CTX, BATCH, 8, null, 64 * 1024, false), null);
        base = "http://127.0.0.1:" + server.port();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    static long need(Path model) throws Exception {
        try (GgufFile f = GgufFile.open(model)) {
            return MemoryGuard.bytesNeeded(f, CTX, 1, KvCacheType.F16, BATCH);
        }
    }

    /** An Ollama store entry as `ollama pull` leaves it; the blob links the fixture, its digest is the name's. */
    static void ollamaModel(String name, String tag, Path fixture) throws Exception {
        String hex = HexFormat.sha256(name + ":" + tag);
        Path blob = Files.createDirectories(ollama.resolve("blobs")).resolve("sha256-" + hex);
        Files.createSymbolicLink(blob, fixture);
        Path manifest = Files.createDirectories(ollama.resolve("manifests/registry.ollama.ai/library").resolve(name)).resolve(tag);
        Files.writeString(manifest, """
                {"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",
                 "layers":[{"mediaType":"application/vnd.ollama.image.model","digest":"sha256:%s","size":%d}]}
                """.formatted(hex, Files.size(fixture)));
    }

    static final class HexFormat {
        static String sha256(String s) throws Exception {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        }
    }

    static void deleteTree(Path p) throws Exception {
        if (Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            try (var s = Files.walk(p)) {
                for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(q);
                }
            }
        }
    }

    static HttpResponse<String> call(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(120));
        b = body == null ? b.method(method, HttpRequest.BodyPublishers.noBody())
                : b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode ok(String method, String path, String body) throws Exception {
        HttpResponse<String> r = call(method, path, body);
        assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    static List<String> loaded() throws Exception {
        List<String> names = new ArrayList<>();
        ok("GET", "/api/ps", null).path("models").forEach(m -> names.add(m.path("name").asText()));
        return names;
    }

    @Test
    @Order(1)
    void listsBothModelsByName() throws Exception {
        List<String> tags = new ArrayList<>();
        ok("GET", "/api/tags", null).path("models").forEach(m -> tags.add(m.path("name").asText()));
        assertThat(tags).containsExactlyInAnyOrder(F32, Q8);
        List<String> openAi = new ArrayList<>();
        ok("GET", "/v1/models", null).path("data").forEach(m -> openAi.add(m.path("id").asText()));
        assertThat(openAi).containsExactlyInAnyOrder(F32, Q8);
        assertThat(loaded()).isEmpty();
        assertThat(call("POST", "/api/generate", "{\"model\":\"no-such-model\",\"prompt\":\"Hi\"}").statusCode()).isEqualTo(404);
    }

    @Test
    @Order(2)
    void preloadThenTheSecondModelOnDemandEvictsTheIdleFirst() throws Exception {
        // Ollama's preload idiom, with the implicit :latest tag
        JsonNode load = ok("POST", "/api/generate", "{\"model\":\"medgemma-tiny\"}");
        assertThat(load.path("done_reason").asText()).isEqualTo("load");
        assertThat(load.path("done").asBoolean()).isTrue();
        JsonNode ps = ok("GET", "/api/ps", null).path("models");
        assertThat(ps).hasSize(1);
        long file = Files.size(FixtureModels.f32(FixtureModels.TINY));
        assertThat(ps.get(0).path("name").asText()).isEqualTo(F32);
        assertThat(ps.get(0).path("size").asLong()).as("file mapped + KV cache").isGreaterThan(file);
        Instant expires = Instant.parse(ps.get(0).path("expires_at").asText());
        assertThat(expires).isBetween(Instant.now().plusSeconds(240), Instant.now().plusSeconds(301));

        JsonNode chat = ok("POST", "/api/chat", "{\"model\":\"" + Q8 + "\",\"stream\":false,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Name a bone.\"}],\"options\":{\"temperature\":0,\"num_predict\":3}}");
        assertThat(chat.path("model").asText()).isEqualTo(Q8);
        assertThat(chat.path("load_duration").asLong()).isPositive();
        assertThat(chat.path("eval_count").asInt()).isBetween(1, 3);
        assertThat(loaded()).containsExactly(Q8);
        // /metrics shows the loaded model's own gauges, and not the evicted one's
        String metrics = call("GET", "/metrics", null).body();
        assertThat(metrics).contains("medgemma_model_active_slots{model=\"" + Q8 + "\"} ")
                .doesNotContain("{model=\"" + F32 + "\"}");
    }

    @Test
    @Order(3)
    void unloadIdiomAndKeepAliveExpiry() throws Exception {
        JsonNode unload = ok("POST", "/api/chat", "{\"model\":\"" + Q8 + "\",\"messages\":[],\"keep_alive\":0}");
        assertThat(unload.path("done_reason").asText()).isEqualTo("unload");
        assertThat(loaded()).isEmpty();

        JsonNode gen = ok("POST", "/api/generate", "{\"model\":\"" + F32 + "\",\"prompt\":\"Hi\",\"stream\":false,"
                + "\"keep_alive\":\"1s\",\"options\":{\"temperature\":0,\"num_predict\":2}}");
        assertThat(gen.path("done").asBoolean()).isTrue();
        assertThat(loaded()).containsExactly(F32);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!loaded().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(loaded()).as("unloaded once its 1s keep-alive passed").isEmpty();
        assertThat(call("GET", "/metrics", null).body()).doesNotContain("{model=");
    }

    @Test
    @Order(4)
    void pullCopyShowAndDelete() throws Exception {
        String ref = "hf.co/test-org/tiny-GGUF:Q2_K";
        HttpResponse<String> pull = call("POST", "/api/pull", "{\"model\":\"" + ref + "\"}");
        assertThat(pull.statusCode()).as(pull.body()).isEqualTo(200);
        List<JsonNode> lines = new ArrayList<>();
        for (String line : pull.body().split("\n")) {
            lines.add(JSON.readTree(line));
        }
        assertThat(lines.getFirst().path("status").asText()).isEqualTo("pulling manifest");
        assertThat(lines.getLast().path("status").asText()).isEqualTo("success");
        List<JsonNode> progress = lines.stream().filter(l -> l.has("total")).toList();
        assertThat(progress).isNotEmpty();
        long size = Files.size(registry.file);
        assertThat(progress.getLast().path("total").asLong()).isEqualTo(size);
        assertThat(progress.getLast().path("completed").asLong()).isEqualTo(size);
        assertThat(progress.getLast().path("digest").asText()).isEqualTo("sha256:" + registry.sha256);
        assertThat(progress.getLast().path("status").asText()).isEqualTo("pulling " + registry.sha256.substring(0, 12));

        String stored = "test-org/tiny-GGUF/tiny-Q2_K.gguf";
        JsonNode listed = null;
        for (JsonNode m : ok("GET", "/api/tags", null).path("models")) {
            listed = m.path("name").asText().equals(stored) ? m : listed;
        }
        assertThat(listed).as("pulled model in /api/tags").isNotNull();
        assertThat(listed.path("size").asLong()).isEqualTo(size);
        // the name it was pulled by finds it too
        JsonNode show = ok("POST", "/api/show", "{\"model\":\"" + ref + "\"}");
        assertThat(show.path("details")).isEqualTo(listed.path("details"));
        assertThat(show.path("template").asText()).contains("<start_of_turn>");

        ok("POST", "/api/copy", "{\"source\":\"" + F32 + "\",\"destination\":\"tiny-copy\"}");
        assertThat(ok("POST", "/api/show", "{\"model\":\"tiny-copy\"}").path("details").path("quantization_level").asText())
                .isEqualTo("F32");

        HttpResponse<String> delete = call("DELETE", "/api/delete", "{\"model\":\"" + stored + "\"}");
        assertThat(delete.statusCode()).as(delete.body()).isEqualTo(200);
        assertThat(call("DELETE", "/api/delete", "{\"model\":\"" + stored + "\"}").statusCode()).isEqualTo(404);
        assertThat(Files.exists(home.resolve("models").resolve(stored))).isFalse();
        HttpResponse<String> ollamas = call("DELETE", "/api/delete", "{\"model\":\"" + F32 + "\"}");
        assertThat(ollamas.statusCode()).isEqualTo(400);
        assertThat(ollamas.body()).contains("ollama rm");
        HttpResponse<String> missing = call("POST", "/api/pull", "{\"model\":\"hf.co/test-org/missing-GGUF:Q2_K\"}");
        assertThat(missing.body()).contains("error");
    }

    @Test
    @Order(5)
    void aModelThatCannotFitIsA507WithTheNumbers() throws Exception {
        ModelLibrary library = ModelLibrary.stores(new ModelStore(home), new OllamaStore(ollama));
        MedgemmaServer.PoolOptions small = new MedgemmaServer.PoolOptions(1, 1 << 20, "--max-memory 1M", Duration.ofMinutes(5),
                List.of(), new HfClient(registry.endpoint(), null));
        try (MedgemmaServer tiny = MedgemmaServer.start(library, small,
                new ServerConfig("", "127.0.0.1", 0, 1, CTX, BATCH, 8, null, 64 * 1024, false), null)) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + tiny.port() + "/api/generate"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + Q8 + "\",\"prompt\":\"Hi\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(507);
            assertThat(r.body()).contains("needs").contains("MB").contains("1 MB is available (--max-memory 1M)");
        }
    }

    @Test
    @Order(6)
    void langChain4jPicksModelsByName() {
        for (String model : List.of(Q8, "medgemma-tiny")) {
            OllamaChatModel chat = OllamaChatModel.builder().baseUrl(base).modelName(model).temperature(0.0).numPredict(3)
                    .timeout(Duration.ofSeconds(120)).build();
            ChatResponse r = chat.chat(dev.langchain4j.data.message.UserMessage.from("Name a bone of the arm."));
            assertThat(r.aiMessage().text()).isNotNull();
            assertThat(r.tokenUsage().outputTokenCount()).isBetween(1, 3);
        }
    }

    @Test
    @Order(7)
    void theOllamaJavaScriptClient() throws Exception {
        Path dir = OllamaJs.install();
        Path script = dir.resolve("multi-model.mjs");
        Files.writeString(script, """
                import { Ollama } from 'ollama';
                const ollama = new Ollama({ host: process.argv[2] });
                const out = {};
                out.list = (await ollama.list()).models.map(m => m.name);
                out.load = await ollama.generate({ model: 'medgemma-tiny', prompt: '' });
                const messages = [{ role: 'user', content: 'Name a bone.' }];
                const options = { temperature: 0, num_predict: 3 };
                out.chat = await ollama.chat({ model: 'medgemma-tiny:q8', messages, options });
                let streamed = '';
                for await (const part of await ollama.chat({ model: 'medgemma-tiny:q8', messages, options, stream: true })) {
                  streamed += part.message.content;
                  if (part.done) out.streamedDone = part.done_reason;
                }
                out.streamed = streamed;
                out.ps = (await ollama.ps()).models.map(m => ({ name: m.name, size: m.size, expires_at: m.expires_at }));
                out.unload = await ollama.generate({ model: 'medgemma-tiny:q8', prompt: '', keep_alive: 0 });
                out.psAfter = (await ollama.ps()).models.map(m => m.name);
                out.show = (await ollama.show({ model: 'medgemma-tiny:q8' })).details;
                console.log(JSON.stringify(out));
                """);
        Process p = new ProcessBuilder("node", script.toString(), base).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        JsonNode out = JSON.readTree(output.lines().reduce((a, b) -> b).orElseThrow());
        List<String> list = new ArrayList<>();
        out.path("list").forEach(n -> list.add(n.asText()));
        assertThat(list).contains(F32, Q8, "tiny-copy:latest");
        assertThat(out.path("load").path("done_reason").asText()).isEqualTo("load");
        assertThat(out.path("chat").path("message").path("role").asText()).isEqualTo("assistant");
        assertThat(out.path("chat").path("eval_count").asInt()).isBetween(1, 3);
        assertThat(out.path("streamed").asText()).isEqualTo(out.path("chat").path("message").path("content").asText());
        assertThat(out.path("ps").get(0).path("name").asText()).isEqualTo(Q8);
        assertThat(out.path("ps").get(0).path("size").asLong()).isGreaterThan(Files.size(FixtureModels.quantized(FixtureModels.TINY, "Q8_0")));
        assertThat(out.path("unload").path("done_reason").asText()).isEqualTo("unload");
        assertThat(out.path("psAfter")).isEmpty();
        assertThat(out.path("show").path("quantization_level").asText()).isEqualTo("Q8_0");
    }
}
