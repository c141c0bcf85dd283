package org.medgemma4j.embed;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.medgemma4j.testing.EmbeddingFixtures;
import org.medgemma4j.testing.LlamaOracle;

/**
 * Embedding throughput, ours vs llama.cpp's, on the same fixture file, same threads, same run, alternating:
 * {@code EMBED_BENCH=1 ./mvnw -pl core test -Dtest=EmbeddingThroughputBenchmark}. Not a CI test.
 */
@EnabledIfEnvironmentVariable(named = "EMBED_BENCH", matches = "1")
class EmbeddingThroughputBenchmark {

    @Test
    void tokensPerSecond() throws Exception {
        int threads = Integer.parseInt(System.getenv().getOrDefault("EMBED_THREADS", "2"));
        String spec = System.getenv().getOrDefault("EMBED_FILE", "");
        Path file = spec.isEmpty() ? EmbeddingFixtures.f32(EmbeddingFixtures.TINY_DENSE) : Path.of(spec);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            // passage-sized texts (~300 tokens), distinct
            texts.add(EmbeddingPrompt.document("Trial " + i, ("Patients with condition " + i + " were randomised to "
                    + "treatment or placebo; the primary end point was mortality at one year, with IL-6 and HbA1c measured. ").repeat(12)));
        }
        try (EmbeddingModel model = EmbeddingModel.open(file, threads)) {
            List<int[]> ids = new ArrayList<>();
            long tokens = 0;
            for (String t : texts) {
                ids.add(model.tokenize(t));
                tokens += ids.getLast().length;
            }
            model.embedTokens(ids.subList(0, 4)); // warm-up (JIT)
            LlamaOracle.embedAll(file, ids.subList(0, 4), threads);
            for (int round = 0; round < 3; round++) {
                long t0 = System.nanoTime();
                List<float[]> ours = new ArrayList<>();
                for (int[] s : ids) {
                    ours.add(model.embedTokens(List.of(s)).getFirst()); // one text per pass, as llama.cpp decodes them
                }
                double oursSeconds = (System.nanoTime() - t0) / 1e9;
                long t1 = System.nanoTime();
                List<float[]> packed = model.embedTokens(ids);
                double packedSeconds = (System.nanoTime() - t1) / 1e9;
                LlamaOracle.Embeddings theirs = LlamaOracle.embedAll(file, ids, threads);
                double minCos = 1;
                for (int i = 0; i < ids.size(); i++) {
                    minCos = Math.min(minCos, Vectors.cosine(ours.get(i), theirs.vectors().get(i)));
                    assertThat(packed.get(i)).containsExactly(ours.get(i));
                }
                System.out.printf("%s, %d threads, %d texts, %d tokens: ours %.0f tok/s (packed passes %.0f tok/s), "
                                + "llama.cpp %.0f tok/s; min cosine %.6f%n", file.getFileName(), threads, ids.size(), tokens,
                        tokens / oursSeconds, tokens / packedSeconds, tokens / theirs.seconds(), minCos);
            }
        }
    }
}
