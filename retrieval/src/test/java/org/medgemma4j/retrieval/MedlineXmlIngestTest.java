package org.medgemma4j.retrieval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PubMedQA records written as MEDLINE XML (a plain baseline file and a gzipped one) give exactly the
 * index the JSON gives: the same hits with the same scores for every question. An update file then
 * replaces one citation and deletes another (DeleteCitation).
 */
class MedlineXmlIngestTest {

    @TempDir
    Path tmp;

    @Test
    void xmlAndJsonGiveTheSameResults() throws IOException {
        Map<String, JsonNode> records = PubmedQaCorpus.records();
        Map<String, JsonNode> first = new LinkedHashMap<>();
        Map<String, JsonNode> second = new LinkedHashMap<>();
        for (var e : records.entrySet()) {
            (first.size() < records.size() / 2 ? first : second).put(e.getKey(), e.getValue());
        }
        Path xml = tmp.resolve("pubmed26n0001.xml");
        Path gz = tmp.resolve("pubmed26n0002.xml.gz");
        MedlineXmlWriter.write(xml, first, List.of());
        MedlineXmlWriter.write(gz, second, List.of());
        Path fromJson = PubmedQaCorpus.index(tmp.resolve("json"), PubmedQaCorpus.file());
        Path fromXml = PubmedQaCorpus.index(tmp.resolve("xml"), xml, gz);

        try (LuceneIndex a = LuceneIndex.open(fromJson); LuceneIndex b = LuceneIndex.open(fromXml)) {
            assertThat(b.stats().pubmed()).isEqualTo(records.size());
            int compared = 0;
            for (var e : records.entrySet()) {
                String q = e.getValue().get("QUESTION").asText();
                assertThat(summary(b.lexical(q, 10))).as(q).isEqualTo(summary(a.lexical(q, 10)));
                compared++;
            }
            assertThat(compared).isEqualTo(records.size());
            Hit one = b.lexical(records.values().iterator().next().get("QUESTION").asText(), 1).getFirst();
            assertThat(one.passage().year()).isNotNull();
            assertThat(one.passage().mesh()).isNotEmpty();
            assertThat(one.passage().source()).endsWith("pubmed26n0001.xml");
        }

        // An update file: a new version of one citation, and the deletion of another.
        var it = records.entrySet().iterator();
        var updated = it.next();
        var deleted = it.next();
        ObjectNode newVersion = updated.getValue().deepCopy();
        newVersion.putArray("CONTEXTS").add("Erratum: the zebrafish xylophone cohort was re-analysed.");
        newVersion.putArray("LABELS").add("RESULTS");
        Path update = tmp.resolve("pubmed26n1335.xml.gz");
        MedlineXmlWriter.write(update, Map.of(updated.getKey(), newVersion), List.of(deleted.getKey()));
        try (LuceneIndex b = LuceneIndex.open(fromXml)) {
            var result = new Ingester(b, Chunker.standard(), null).add(update, n -> { });
            assertThat(result.error()).isNull();
            assertThat(result.deletions()).isEqualTo(1);
            assertThat(b.stats().pubmed()).isEqualTo(records.size() - 1);
            List<Hit> hits = b.lexical("zebrafish xylophone re-analysed", 3);
            assertThat(hits.getFirst().passage().pmid()).isEqualTo(updated.getKey());
            assertThat(hits.getFirst().passage().text()).startsWith("RESULTS: Erratum");
            String deletedQuestion = deleted.getValue().get("QUESTION").asText();
            assertThat(b.lexical(deletedQuestion, 50)).noneMatch(h -> deleted.getKey().equals(h.passage().pmid()));
            // the same update again changes nothing (idempotent)
            new Ingester(b, Chunker.standard(), null).add(update, n -> { });
            assertThat(b.stats().pubmed()).isEqualTo(records.size() - 1);
            assertThat(b.stats().passages()).isEqualTo(records.size() - 1);
        }
    }

    private static List<String> summary(List<Hit> hits) {
        List<String> out = new ArrayList<>();
        for (Hit h : hits) {
            out.add(h.passage().pmid() + " " + h.score() + " " + h.passage().text().length() + " " + h.passage().mesh());
        }
        return out;
    }
}
