package org.medgemma4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.medgemma4j.embed.EmbeddingModel;
import org.medgemma4j.embed.Vectors;
import org.medgemma4j.generate.LoadedModel;
import org.medgemma4j.testing.EmbeddingFixtures;
import org.medgemma4j.testing.FixtureModels;

/** /v1/embeddings, /api/embed and /api/embeddings over plain HTTP, vectors checked against the engine's own. */
class EmbeddingsApiTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static LoadedModel model;
    static EmbeddingModel embedder;
    static MedgemmaServer server;
    static String base;
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() throws Exception {
        model = LoadedModel.open(FixtureModels.f32(FixtureModels.TINY), 2);
        embedder = EmbeddingModel.open(EmbeddingFixtures.f32(EmbeddingFixtures.TINY_DENSE), 2);
        ServerConfig c = new ServerConfig(TestServer.MODEL, "127.0.0.1", 0, 1, 512, 32, 4, null, 64 * 1024, false);
        server = MedgemmaServer.start(model, c, null, embedder, "embeddinggemma-fixture");
        base = "http://127.0.0.1:" + server.port();
    }

    @AfterAll
    static void stop() {
        server.close();
        embedder.close();
        model.close();
    }

    static HttpResponse<String> post(String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode ok(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    static void assertVector(JsonNode array, float[] expected) {
        assertThat(array.size()).isEqualTo(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat(array.get(i).floatValue()).isCloseTo(expected[i], Offset.offset(1e-7f));
        }
    }

    @Test
    void openAiGivesOneUnitVectorPerInputInOrder() throws Exception {
        JsonNode r = ok(post("/v1/embeddings", "{\"model\":\"any\",\"input\":[\"first text\",\"second text\"]}"));
        assertThat(r.get("object").asText()).isEqualTo("list");
        assertThat(r.get("model").asText()).isEqualTo("embeddinggemma-fixture");
        assertThat(r.get("data")).hasSize(2);
        assertThat(r.get("data").get(1).get("index").asInt()).isEqualTo(1);
        assertVector(r.get("data").get(0).get("embedding"), embedder.embed("first text"));
        assertVector(r.get("data").get(1).get("embedding"), embedder.embed("second text"));
        int tokens = embedder.tokenize("first text").length + embedder.tokenize("second text").length;
        assertThat(r.get("usage").get("prompt_tokens").asInt()).isEqualTo(tokens);
    }

    @Test
    void openAiBase64AndMatryoshkaDimensions() throws Exception {
        JsonNode r = ok(post("/v1/embeddings", "{\"model\":\"m\",\"input\":\"hello\",\"encoding_format\":\"base64\",\"dimensions\":128}"));
        byte[] bytes = Base64.getDecoder().decode(r.get("data").get(0).get("embedding").asText());
        float[] v = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
        assertThat(v).containsExactly(embedder.embed("hello", 128));
        // token ids are embedded as given
        int[] ids = embedder.tokenize("hello");
        JsonNode t = ok(post("/v1/embeddings", "{\"model\":\"m\",\"input\":" + java.util.Arrays.toString(ids) + "}"));
        assertVector(t.get("data").get(0).get("embedding"), embedder.embed("hello"));
    }

    @Test
    void ollamaEmbedAndTheLegacyRoute() throws Exception {
        JsonNode r = ok(post("/api/embed", "{\"model\":\"m\",\"input\":[\"why is the sky blue?\"],\"dimensions\":256}"));
        assertThat(r.get("embeddings")).hasSize(1);
        assertVector(r.get("embeddings").get(0), embedder.embed("why is the sky blue?"));
        assertThat(r.get("prompt_eval_count").asInt()).isEqualTo(embedder.tokenize("why is the sky blue?").length);
        JsonNode legacy = ok(post("/api/embeddings", "{\"model\":\"m\",\"prompt\":\"why is the sky blue?\"}"));
        assertVector(legacy.get("embedding"), embedder.embed("why is the sky blue?"));
        double norm = 0;
        for (JsonNode x : legacy.get("embedding")) {
            norm += x.doubleValue() * x.doubleValue();
        }
        assertThat(norm).isCloseTo(1.0, Offset.offset(1e-5));
        // Ollama truncates too long an input by default; with truncate false it is refused
        String longText = "word ".repeat(embedder.maxTokens() + 5);
        assertThat(ok(post("/api/embed", "{\"model\":\"m\",\"input\":\"" + longText + "\"}")).get("embeddings")).hasSize(1);
        assertThat(post("/api/embed", "{\"model\":\"m\",\"input\":\"" + longText + "\",\"truncate\":false}").statusCode()).isEqualTo(400);
    }

    @Test
    void badInputIsA400WithAReason() throws Exception {
        HttpResponse<String> noInput = post("/v1/embeddings", "{\"model\":\"m\"}");
        assertThat(noInput.statusCode()).isEqualTo(400);
        assertThat(noInput.body()).contains("'input' is required");
        HttpResponse<String> dims = post("/v1/embeddings", "{\"model\":\"m\",\"input\":\"x\",\"dimensions\":999}");
        assertThat(dims.statusCode()).isEqualTo(400);
        assertThat(dims.body()).contains("'dimensions' must be 1 to 256");
        assertThat(post("/v1/embeddings", "{\"input\":[-1]}").statusCode()).isEqualTo(400);
        assertThat(post("/api/embeddings", "{\"model\":\"m\"}").statusCode()).isEqualTo(400);
        assertThat(Vectors.cosine(embedder.embed("a"), embedder.embed("a"))).isCloseTo(1.0, Offset.offset(1e-9));
    }
}
