package org.medgemma4j.retrieval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.medgemma4j.store.data.DataSet;
import org.medgemma4j.store.data.TestData;

/** PubMedQA's 1,000 labelled records (read in place) and the off-topic questions, for the tests. */
final class PubmedQaCorpus {

    private PubmedQaCorpus() {
    }

    static Path file() {
        return TestData.file(DataSet.PUBMEDQA, "ori_pqal.json");
    }

    /** PMID -> record, in file order. */
    static Map<String, JsonNode> records() throws IOException {
        JsonNode root = new ObjectMapper().readTree(file().toFile());
        Map<String, JsonNode> out = new LinkedHashMap<>();
        root.properties().forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    static List<String> offTopicQuestions() throws IOException {
        try (InputStream in = PubmedQaCorpus.class.getResourceAsStream("/off-topic-questions.txt")) {
            List<String> out = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    out.add(line.strip());
                }
            }
            return out;
        }
    }

    static Path index(Path dir, Path... files) throws IOException {
        try (LuceneIndex index = LuceneIndex.openOrCreate(dir)) {
            var results = new Ingester(index, Chunker.standard(), null).addAll(List.of(files), Ingester.Listener.NONE);
            for (var r : results) {
                if (!r.ok()) {
                    throw new IOException(r.file() + ": " + r.error());
                }
            }
        }
        return dir;
    }

    static String read(Path p) throws IOException {
        return Files.readString(p);
    }
}
