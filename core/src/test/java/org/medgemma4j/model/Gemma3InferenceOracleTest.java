package org.medgemma4j.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.medgemma4j.tensor.WorkerPool;
import org.medgemma4j.testing.FixtureModels;
import org.medgemma4j.testing.Logits;
import org.medgemma4j.testing.LlamaOracle;

class Gemma3InferenceOracleTest {

    static WorkerPool pool;

    @BeforeAll
    static void start() {
        pool = new WorkerPool(2);
    }

    @AfterAll
    static void stop() {
        pool.close();
    }

    @Test
    void teacherForcedLogitsMatchLlamaCpp() throws Exception {
        Path file = FixtureModels.f32(FixtureModels.TINY);
        int[] ids = Logits.probeSequence(70);
        Logits oracle = Logits.fromOracle(file, ids, 262144);
        try (Gemma3Model model = Gemma3Model.load(file);
             KvCache cache = new KvCache(model.config(), 128, 70, KvCacheType.F16)) {
            Gemma3Inference inf = new Gemma3Inference(model, KvCacheType.F16, pool, 70);
            float[][] rows = new float[ids.length][262144];
            for (int p = 0; p < ids.length; p++) {
                inf.forward(cache, ids, p, 1, p, rows[p], null);
            }
            Logits ours = new Logits(rows);
            System.out.println("single-token relRMS " + ours.relativeRmsError(oracle) + " top1 " + ours.top1Agreement(oracle));
            float[][] batched = new float[ids.length][262144];
            inf.forward(cache, ids, 0, ids.length, 0, null, batched);
            Logits ourBatch = new Logits(batched);
            System.out.println("batched relRMS " + ourBatch.relativeRmsError(oracle) + " top1 " + ourBatch.top1Agreement(oracle));
            assertThat(ours.relativeRmsError(oracle)).isLessThan(0.001);
            assertThat(ourBatch.relativeRmsError(oracle)).isLessThan(0.001);
        }
    }

    @Test
    void greedyContinuationMatchesLlamaCpp() throws Exception {
        Path file = FixtureModels.f32(FixtureModels.TINY);
        int[] prompt = {2, 818, 6213, 1000, 5000};
        int n = 64;
        int[] expected = LlamaOracle.generate(file, prompt, n);
        try (Gemma3Model model = Gemma3Model.load(file);
             KvCache cache = new KvCache(model.config(), 128, 16, KvCacheType.F16)) {
            Gemma3Inference inf = new Gemma3Inference(model, KvCacheType.F16, pool, 16);
            float[] logits = new float[262144];
            inf.forward(cache, prompt, 0, prompt.length, 0, logits, null);
            int[] got = new int[n];
            for (int i = 0; i < n; i++) {
                got[i] = Logits.argmax(logits);
                inf.step(cache, got[i], prompt.length + i, logits);
            }
            System.out.println("ours   " + Arrays.toString(got));
            System.out.println("oracle " + Arrays.toString(expected));
            assertThat(got).containsExactly(expected);
        }
    }
}
