package org.medgemma4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medgemma4j.generate.LoadedModel;
import org.medgemma4j.retrieval.Chunker;
import org.medgemma4j.retrieval.GroundedAnswerer;
import org.medgemma4j.retrieval.Ingester;
import org.medgemma4j.retrieval.LuceneIndex;
import org.medgemma4j.retrieval.RelevanceFloor;
import org.medgemma4j.retrieval.Retriever;
import org.medgemma4j.testing.FixtureModels;

/** POST /api/ask on the tiny fixture over a two-citation index: streamed sources and answer, and abstention. */
class AskApiTest {

    @TempDir
    Path tmp;

    @Test
    void asksStreamingAndAbstains() throws Exception {
        Path xml = tmp.resolve("pubmed.xml");
        Files.writeString(xml, """
                <PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>30000001</PMID><Article>
                <ArticleTitle>Dexamethasone in hospitalized patients with COVID-19</ArticleTitle>
                <Abstract><AbstractText>Dexamethasone reduced 28-day mortality among ventilated patients.</AbstractText></Abstract>
                </Article></MedlineCitation></PubmedArticle></PubmedArticleSet>
                """);
        ObjectMapper json = new ObjectMapper();
        try (LuceneIndex index = LuceneIndex.openOrCreate(tmp.resolve("idx"));
             LoadedModel model = LoadedModel.open(FixtureModels.quantized(FixtureModels.TINY, "Q8_0"), 2)) {
            assertThat(new Ingester(index, Chunker.standard(), null).add(xml, n -> { }).ok()).isTrue();
            ServerConfig c = new ServerConfig("tiny", "127.0.0.1", 0, 1, 1024, 32, 2, null, 64 * 1024, false);
            GroundedAnswerer asker = new GroundedAnswerer(new Retriever(index, null), RelevanceFloor.DEFAULT, 5);
            try (MedgemmaServer server = MedgemmaServer.start(model, c, asker)) {
                HttpClient http = HttpClient.newHttpClient();
                String base = "http://127.0.0.1:" + server.port();
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/ask"))
                        .POST(HttpRequest.BodyPublishers.ofString("""
                                {"model":"tiny","question":"Does dexamethasone reduce mortality in COVID-19?","options":{"num_predict":6,"temperature":0}}
                                """)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                List<JsonNode> lines = r.body().lines().map(l -> {
                    try {
                        return json.readTree(l);
                    } catch (Exception e) {
                        throw new AssertionError(l, e);
                    }
                }).toList();
                assertThat(lines.getFirst().get("sources").get(0).get("pmid").asText()).isEqualTo("30000001");
                assertThat(lines.getLast().get("done").asBoolean()).isTrue();
                assertThat(lines.getLast().has("unknown_citations")).isTrue();
                assertThat(lines.subList(1, lines.size() - 1)).isNotEmpty().allMatch(n -> n.has("response"));

                HttpResponse<String> off = http.send(HttpRequest.newBuilder(URI.create(base + "/api/ask"))
                        .POST(HttpRequest.BodyPublishers.ofString("""
                                {"model":"tiny","question":"Who painted the Mona Lisa?","stream":false}
                                """)).build(), HttpResponse.BodyHandlers.ofString());
                JsonNode o = json.readTree(off.body());
                assertThat(o.get("abstained").asBoolean()).isTrue();
                assertThat(o.get("sources")).isEmpty();

                HttpResponse<String> bad = http.send(HttpRequest.newBuilder(URI.create(base + "/api/ask"))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"tiny\"}")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(bad.statusCode()).isEqualTo(400);
            }
        }
    }
}
