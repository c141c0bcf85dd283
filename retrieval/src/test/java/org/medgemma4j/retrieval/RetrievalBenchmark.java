package org.medgemma4j.retrieval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The figures in docs/retrieval.md (not a CI test; RETRIEVAL_BENCH=1 runs it): ingest throughput and index
 * size for PubMedQA's 1,000 abstracts and for a 30,000-citation MEDLINE file (PubMedQA's records 30 times
 * under new PMIDs, gzipped like a baseline file), and BM25 query latency for the 1,000 questions.
 */
@EnabledIfEnvironmentVariable(named = "RETRIEVAL_BENCH", matches = "1")
class RetrievalBenchmark {

    @TempDir
    Path tmp;

    @Test
    void measure() throws IOException {
        Map<String, JsonNode> records = PubmedQaCorpus.records();
        report("PubMedQA JSON, 1,000 abstracts", tmp.resolve("small"), PubmedQaCorpus.file(), records);

        Map<String, JsonNode> big = new LinkedHashMap<>();
        int copy = 0;
        while (big.size() < 30_000) {
            for (var e : records.entrySet()) {
                ObjectNode r = e.getValue().deepCopy();
                big.put(Integer.toString(40_000_000 + big.size()), r);
                if (big.size() == 30_000) {
                    break;
                }
            }
            copy++;
        }
        Path gz = tmp.resolve("pubmed26n0001.xml.gz");
        MedlineXmlWriter.write(gz, big, List.of());
        System.out.printf(Locale.ROOT, "synthetic baseline file: %d citations, %.1f MB gzipped%n", big.size(), Files.size(gz) / 1e6);
        report("MEDLINE .xml.gz, 30,000 citations", tmp.resolve("big"), gz, records);
    }

    private static void report(String name, Path dir, Path file, Map<String, JsonNode> records) throws IOException {
        long t0 = System.nanoTime();
        Ingester.FileResult r;
        try (LuceneIndex index = LuceneIndex.openOrCreate(dir)) {
            r = new Ingester(index, Chunker.standard(), null).add(file, n -> { });
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        long bytes;
        try (Stream<Path> s = Files.list(dir)) {
            bytes = s.mapToLong(p -> p.toFile().length()).sum();
        }
        System.out.printf(Locale.ROOT, "%s: %d documents in %.2f s = %.0f articles/s; index %.2f MB = %.2f MB per 1,000 abstracts, %.0f bytes/doc%n",
                name, r.documents(), seconds, r.documents() / seconds, bytes / 1e6, bytes / 1e6 / r.documents() * 1000,
                bytes / (double) r.documents());
        try (LuceneIndex index = LuceneIndex.open(dir)) {
            Retriever retriever = new Retriever(index, null);
            List<String> questions = new ArrayList<>();
            records.values().forEach(v -> questions.add(v.get("QUESTION").asText()));
            for (int i = 0; i < 200; i++) { // warm-up: JIT
                retriever.search(questions.get(i), 10);
            }
            double[] ms = new double[questions.size()];
            for (int i = 0; i < questions.size(); i++) {
                long q0 = System.nanoTime();
                retriever.search(questions.get(i), 10);
                ms[i] = (System.nanoTime() - q0) / 1e6;
            }
            Arrays.sort(ms);
            System.out.printf(Locale.ROOT, "%s: BM25 top-10 with coverage, %d queries: p50 %.2f ms, p95 %.2f ms, max %.2f ms%n", name,
                    ms.length, ms[ms.length / 2], ms[(int) (ms.length * 0.95)], ms[ms.length - 1]);
        }
    }
}
