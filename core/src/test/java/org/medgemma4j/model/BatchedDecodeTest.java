package org.medgemma4j.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.medgemma4j.tensor.WorkerPool;
import org.medgemma4j.testing.FixtureModels;
import org.medgemma4j.testing.Logits;

/**
 * Continuous batching: the next token of several sequences in one pass gives exactly (bit for bit) the
 * logits each sequence gets alone, since every token's products and attention are computed the same way;
 * and a prompt gives the same logits however it is split into passes.
 */
class BatchedDecodeTest {

    // F32 takes the float products; Q8_0 and Q4_K_M the integer kernels where the native library is selected
    // (prompt tokens through its tiled kernel), else the float ones
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"F32", "Q8_0", "Q4_K_M"})
    void aPromptGivesTheSameLogitsHoweverItIsSplitIntoPasses(String fileType) throws Exception {
        int[] prompt = Logits.probeSequence(45);
        int vocab = 262144;
        try (WorkerPool pool = new WorkerPool(2); Gemma3Model model = Gemma3Model.load(fixture(fileType))) {
            Gemma3Inference inf = new Gemma3Inference(model, KvCacheType.F16, pool, 32);
            float[][] reference = null;
            for (int[] passes : new int[][] {{32, 13}, {1, 7, 30, 7}, {5, 5, 5, 5, 5, 5, 5, 5, 5}}) {
                float[][] all = new float[prompt.length][vocab];
                try (KvCache cache = inf.newCache(64)) {
                    int at = 0;
                    for (int n : passes) {
                        inf.forward(cache, prompt, at, n, at, null, java.util.Arrays.copyOfRange(all, at, at + n));
                        at += n;
                    }
                }
                if (reference == null) {
                    reference = all;
                    continue;
                }
                for (int p = 0; p < prompt.length; p++) {
                    assertThat(java.util.Arrays.mismatch(all[p], reference[p]))
                            .as("passes %s, position %d: first differing logit", java.util.Arrays.toString(passes), p)
                            .isEqualTo(-1);
                }
            }
        }
    }

    // on the native kernels, several sequences' steps are one batch product (NativeIntegerKernels.dotTile)
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"F32", "Q8_0", "Q4_K_M"})
    void decodingSequencesTogetherEqualsDecodingThemAlone(String fileType) throws Exception {
        int[][] prompts = {Logits.probeSequence(5), Logits.probeSequence(23), Logits.probeSequence(12)};
        prompts[1][3] = 777;
        prompts[2][4] = 4242;
        int steps = 12;
        int vocab = 262144;
        try (WorkerPool pool = new WorkerPool(2); Gemma3Model model = Gemma3Model.load(fixture(fileType))) {
            Gemma3Inference inf = new Gemma3Inference(model, KvCacheType.F16, pool, 32);
            int[][] alone = new int[prompts.length][steps];
            float[][] aloneLast = new float[prompts.length][vocab];
            for (int s = 0; s < prompts.length; s++) {
                try (KvCache cache = inf.newCache(64)) {
                    float[] logits = new float[vocab];
                    inf.forward(cache, prompts[s], 0, prompts[s].length, 0, logits, null);
                    int[] seq = java.util.Arrays.copyOf(prompts[s], prompts[s].length + steps);
                    for (int i = 0; i < steps; i++) {
                        alone[s][i] = Logits.argmax(logits);
                        seq[prompts[s].length + i] = alone[s][i];
                        inf.step(cache, seq[prompts[s].length + i], prompts[s].length + i, logits);
                    }
                    aloneLast[s] = logits;
                }
            }
            KvCache[] caches = new KvCache[prompts.length];
            float[][] logits = new float[prompts.length][vocab];
            try {
                for (int s = 0; s < prompts.length; s++) {
                    caches[s] = inf.newCache(64);
                    inf.forward(caches[s], prompts[s], 0, prompts[s].length, 0, logits[s], null);
                }
                int[] tokens = new int[prompts.length];
                int[] positions = new int[prompts.length];
                int[][] together = new int[prompts.length][steps];
                for (int i = 0; i < steps; i++) {
                    for (int s = 0; s < prompts.length; s++) {
                        together[s][i] = Logits.argmax(logits[s]);
                        tokens[s] = together[s][i];
                        positions[s] = prompts[s].length + i;
                    }
                    inf.forward(tokens, positions, caches, logits, prompts.length, prompts.length);
                }
                for (int s = 0; s < prompts.length; s++) {
                    assertThat(together[s]).containsExactly(alone[s]);
                    assertThat(java.util.Arrays.mismatch(logits[s], aloneLast[s])).as("first differing logit").isEqualTo(-1);
                }
            } finally {
                for (KvCache c : caches) {
                    if (c != null) {
                        c.close();
                    }
                }
            }
        }
    }

    static Path fixture(String fileType) {
        return fileType.equals("F32") ? FixtureModels.f32(FixtureModels.TINY) : FixtureModels.quantized(FixtureModels.TINY, fileType);
    }
}
