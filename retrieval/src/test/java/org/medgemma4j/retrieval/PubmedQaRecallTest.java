package org.medgemma4j.retrieval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MedRAG anchor on real data: each PubMedQA question finds its own abstract with BM25 (k1 0.9, b 0.4).
 * Also measures the coverage the relevance floor reads: the own abstract's vs the best hit for off-topic
 * questions.
 */
class PubmedQaRecallTest {

    @TempDir
    Path tmp;

    @Test
    void questionsFindTheirOwnAbstract() throws IOException {
        Map<String, JsonNode> records = PubmedQaCorpus.records();
        Path dir = PubmedQaCorpus.index(tmp.resolve("idx"), PubmedQaCorpus.file());
        int at1 = 0;
        int at10 = 0;
        List<Double> ownCoverage = new ArrayList<>();
        List<Double> topCoverage = new ArrayList<>();
        List<Double> ownEvidence = new ArrayList<>();
        long ownBelow = 0;
        try (LuceneIndex index = LuceneIndex.open(dir)) {
            assertThat(index.stats().pubmed()).isEqualTo(records.size());
            Retriever retriever = new Retriever(index, null);
            for (var e : records.entrySet()) {
                List<Hit> hits = retriever.search(e.getValue().get("QUESTION").asText(), 10);
                int rank = rankOf(e.getKey(), hits);
                if (rank == 1) {
                    at1++;
                }
                if (rank >= 1) {
                    at10++;
                    ownCoverage.add(hits.get(rank - 1).coverage());
                    ownEvidence.add(hits.get(rank - 1).evidence());
                    ownBelow += RelevanceFloor.DEFAULT.accepts(hits.get(rank - 1)) ? 0 : 1;
                }
                topCoverage.add(hits.isEmpty() ? 0 : hits.getFirst().coverage());
            }
            List<Double> offTop = new ArrayList<>();
            List<Double> offEvidence = new ArrayList<>();
            long offPassing = 0;
            List<List<Hit>> offHits = new ArrayList<>();
            for (String q : PubmedQaCorpus.offTopicQuestions()) {
                List<Hit> hits = retriever.search(q, 10);
                offTop.add(hits.isEmpty() ? 0 : hits.getFirst().coverage());
                offHits.add(hits);
                offEvidence.add(hits.isEmpty() ? 0 : hits.getFirst().evidence());
                offPassing += hits.stream().filter(RelevanceFloor.DEFAULT::accepts).count() > 0 ? 1 : 0;
            }
            double r1 = at1 / (double) records.size();
            double r10 = at10 / (double) records.size();
            System.out.printf(Locale.ROOT, "PubMedQA BM25: R@1 %.3f R@10 %.3f (%d questions)%n", r1, r10, records.size());
            System.out.println("coverage of the own abstract: " + quantiles(ownCoverage));
            System.out.println("coverage of the top hit, PubMedQA questions: " + quantiles(topCoverage));
            System.out.println("coverage of the top hit, off-topic questions: " + quantiles(offTop));
            System.out.println("evidence of the own abstract: " + quantiles(ownEvidence));
            System.out.println("evidence of the top hit, off-topic questions: " + quantiles(offEvidence));
            long offAbove = offPassing;
            for (double c : new double[] {0.3, 0.4, 0.5, 0.6}) {
                StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "grid coverage %.1f:", c));
                for (double ev : new double[] {1.0, 1.25, 1.5, 1.75, 2.0}) {
                    long own = 0;
                    for (int i = 0; i < ownCoverage.size(); i++) {
                        own += ownCoverage.get(i) >= c && ownEvidence.get(i) >= ev ? 0 : 1;
                    }
                    long off = 0;
                    for (List<Hit> hs : offHits) {
                        off += hs.stream().anyMatch(new RelevanceFloor(c, ev)::accepts) ? 1 : 0;
                    }
                    row.append(String.format(Locale.ROOT, "  e%.2f own-dropped %d off-passing %d", ev, own, off));
                }
                System.out.println(row);
            }
            System.out.printf(Locale.ROOT, "floor %s: own abstracts below it %d of %d, off-topic questions with a hit above it %d of %d%n",
                    RelevanceFloor.DEFAULT, ownBelow, ownCoverage.size(), offAbove, offTop.size());
            assertThat(r1).isGreaterThanOrEqualTo(0.95);
            assertThat(r10).isGreaterThanOrEqualTo(0.99);
            assertThat(offAbove).as("off-topic questions passing the relevance floor").isZero();
            assertThat(ownBelow).as("own abstracts the floor would drop").isLessThanOrEqualTo(records.size() / 20);
        }
    }

    static int rankOf(String pmid, List<Hit> hits) {
        for (int i = 0; i < hits.size(); i++) {
            if (pmid.equals(hits.get(i).passage().pmid())) {
                return i + 1;
            }
        }
        return -1;
    }

    static String quantiles(List<Double> xs) {
        double[] v = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        if (v.length == 0) {
            return "none";
        }
        return String.format(Locale.ROOT, "min %.3f p1 %.3f p5 %.3f p50 %.3f p95 %.3f max %.3f (n %d)", v[0], q(v, 0.01), q(v, 0.05),
                q(v, 0.5), q(v, 0.95), v[v.length - 1], v.length);
    }

    private static double q(double[] sorted, double p) {
        return sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
    }

    static String show(double[] v) {
        return Arrays.toString(v);
    }
}
