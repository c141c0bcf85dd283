package org.medgemma4j.generate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.medgemma4j.model.Gemma3Inference;
import org.medgemma4j.model.KvCache;
import org.medgemma4j.model.KvCacheType;
import org.medgemma4j.sampling.SamplingParams;
import org.medgemma4j.testing.FixtureModels;
import org.medgemma4j.testing.Logits;

/** Sequences driven together through shared forward passes generate exactly what each does alone. */
class SequenceTest {

    static LoadedModel model;

    @BeforeAll
    static void open() throws Exception {
        model = LoadedModel.open(FixtureModels.f32(FixtureModels.TINY), 2);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static int[] prompt(int n, int salt) {
        int[] ids = Logits.probeSequence(n);
        for (int i = 1; i < n; i++) {
            ids[i] += salt;
        }
        return ids;
    }

    @Test
    void interleavedPrefillAndDecodeInOneBatchMatchEachSequenceAlone() {
        GenerationOptions options = GenerationOptions.of(12, SamplingParams.greedy()).withIgnoreEos(true);
        int[][] prompts = {prompt(40, 0), prompt(7, 3), prompt(23, 11)};
        List<int[]> alone = new ArrayList<>();
        try (Session session = model.newSession(256, KvCacheType.F16, 8)) {
            for (int[] p : prompts) {
                session.reset();
                alone.add(session.generate(p, options, TokenStream.NONE).tokens());
            }
        }
        Gemma3Inference inference = new Gemma3Inference(model.model(), KvCacheType.F16, model.pool(), 8);
        List<Sequence> sequences = new ArrayList<>();
        for (int[] p : prompts) {
            Sequence s = new Sequence(model.model(), model.tokenizer(), inference.newCache(256));
            s.start(p, options, TokenStream.NONE);
            sequences.add(s);
        }
        int[] ids = new int[8];
        int[] positions = new int[8];
        KvCache[] caches = new KvCache[8];
        float[][] rows = new float[8][];
        // a batch of 8 mixes the decoding sequences' next tokens (first, as the inference takes them) with
        // chunks of 3 of the longer prompts, which the sequences alone evaluated in chunks of 8
        while (sequences.stream().anyMatch(s -> !s.finished())) {
            int count = 0;
            int steps = 0;
            List<Sequence> fed = new ArrayList<>();
            for (boolean stepPass : new boolean[] {true, false}) {
                for (Sequence s : sequences) {
                    if (!s.finished() && count < 8 && s.stepping() == stepPass) {
                        int n = s.feed(ids, positions, caches, rows, count, Math.min(3, 8 - count));
                        count += n;
                        steps += stepPass ? n : 0;
                        fed.add(s);
                    }
                }
            }
            inference.forward(ids, positions, caches, rows, steps, count);
            fed.forEach(Sequence::evaluated);
        }
        for (int i = 0; i < prompts.length; i++) {
            assertThat(sequences.get(i).result().tokens()).as("sequence %d", i).containsExactly(alone.get(i));
            assertThat(sequences.get(i).result().reason()).isEqualTo(StopReason.MAX_TOKENS);
            sequences.get(i).close();
        }
    }

    @Test
    void aSequenceCancelledWhileItsTokensAreEvaluatedEndsCleanlyAndServesTheNextRequest() {
        GenerationOptions options = GenerationOptions.of(6, SamplingParams.greedy()).withIgnoreEos(true);
        int[] first = prompt(9, 0);
        int[] second = prompt(9, 5);
        int[] expected;
        try (Session session = model.newSession(128, KvCacheType.F16, 8)) {
            expected = session.generate(second, options, TokenStream.NONE).tokens();
        }
        Gemma3Inference inference = new Gemma3Inference(model.model(), KvCacheType.F16, model.pool(), 8);
        int[] ids = new int[8];
        int[] positions = new int[8];
        KvCache[] caches = new KvCache[8];
        float[][] rows = new float[8][];
        try (Sequence s = new Sequence(model.model(), model.tokenizer(), inference.newCache(128))) {
            s.start(first, options, TokenStream.NONE);
            while (!s.stepping()) {
                int n = s.feed(ids, positions, caches, rows, 0, 8);
                inference.forward(ids, positions, caches, rows, 0, n);
                s.evaluated();
            }
            // its next token is in the batch when the client hangs up (the server's HTTP thread cancels)
            int n = s.feed(ids, positions, caches, rows, 0, 8);
            s.cancel();
            inference.forward(ids, positions, caches, rows, n, n);
            s.evaluated();
            assertThat(s.finished()).isTrue();
            assertThat(s.pending()).isZero();
            assertThat(s.result().reason()).isEqualTo(StopReason.CANCELLED);

            // the slot takes the next request as if nothing had happened
            s.start(second, options, TokenStream.NONE);
            while (!s.finished()) {
                boolean step = s.stepping();
                int m = s.feed(ids, positions, caches, rows, 0, 8);
                inference.forward(ids, positions, caches, rows, step ? m : 0, m);
                s.evaluated();
            }
            assertThat(s.result().tokens()).containsExactly(expected);
        }
    }
}
