package org.medgemma4j.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.medgemma4j.tensor.WorkerPool;
import org.medgemma4j.testing.FixtureModels;
import org.medgemma4j.testing.FixtureModels.Spec;
import org.medgemma4j.testing.Logits;
import org.medgemma4j.testing.LlamaOracle;

/**
 * Every weight format, in files made by llama.cpp's own quantizer, against llama.cpp on the same file:
 * teacher-forced logits at every position of a 72-token sequence (longer than the sliding window).
 *
 * Bounds, and why: we round activations as llama.cpp does before each product (ActivationRounding) and the
 * float formats' products follow its summation order bit for bit (MulMatOracleTest). What remains is that
 * other ops (norms, softmax, rope, GELU) and the quantized kernels (integer block sums, repacked GEMV) still
 * differ from llama.cpp in the last bit; each such difference flips a coarse activation rounding now and then
 * (bf16 step 2^-8, 8-bit block step max/127) and the flips grow through the layers and the KV cache.
 * Measured (relative RMS): F16 0.08%, F32 0.06-0.09%, BF16 0.17-0.34% (bf16 flips), quantized 1.2-3.7%.
 * Bounds: a float format must stay closer to llama.cpp than llama.cpp's own file of that format is to its F32
 * file, measured here in the same run (F16: about 0.2%; BF16, whose 8-bit mantissa llama.cpp also imposes on
 * the activations: larger); F32 below 0.2%; quantized 5%.
 *
 * Top-1 agreement is asserted where llama.cpp's choice is decisive: where its top token leads the runner-up by
 * more than twice the RMS logit difference between the two engines at that position (at least half of the
 * positions must be so), and there at least 97% must agree. On these random-weight models many positions are
 * near ties: every disagreement seen (quantized top-1 over all positions 0.88-0.99) was at a position whose
 * margin was below 1.9x that difference, and reordering a kernel's float sums (same accuracy against an exact
 * sum) moved the all-position figure of tiny Q4_K_M between 0.875 and 0.958.
 */
class FormatsOracleTest {

    private static final int N_VOCAB = 262144;
    /** Bound marker: llama.cpp's own drift of this format's file from its F32 file, measured in the test. */
    private static final double OWN_DRIFT = -1;
    static WorkerPool pool;

    @BeforeAll
    static void start() {
        pool = new WorkerPool(2);
    }

    @AfterAll
    static void stop() {
        pool.close();
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(FixtureModels.TINY, "F16", OWN_DRIFT),
                Arguments.of(FixtureModels.TINY, "BF16", OWN_DRIFT),
                Arguments.of(FixtureModels.TINY, "Q8_0", 0.05),
                Arguments.of(FixtureModels.TINY, "Q4_0", 0.05),
                Arguments.of(FixtureModels.TINY, "Q4_K_M", 0.05),
                Arguments.of(FixtureModels.TINY, "Q5_K_M", 0.05),
                Arguments.of(FixtureModels.TINY, "Q6_K", 0.05),
                Arguments.of(FixtureModels.TINY, "Q3_K_M", 0.05),
                Arguments.of(FixtureModels.TINY, "Q2_K", 0.05),
                Arguments.of(FixtureModels.DEEP, "F32", 0.002),
                Arguments.of(FixtureModels.DEEP, "Q4_K_M", 0.05),
                Arguments.of(FixtureModels.UNTIED, "F32", 0.002),
                Arguments.of(FixtureModels.UNTIED, "Q8_0", 0.05));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void logitsStayCloseToLlamaCpp(Spec spec, String fileType, double maxRelRms) throws Exception {
        Path file = fileType.equals("F32") ? FixtureModels.f32(spec) : FixtureModels.quantized(spec, fileType);
        int[] ids = Logits.probeSequence(72);
        Logits oracle = Logits.fromOracle(file, ids, N_VOCAB);
        if (maxRelRms == OWN_DRIFT) {
            maxRelRms = oracle.relativeRmsError(Logits.fromOracle(FixtureModels.f32(spec), ids, N_VOCAB));
            System.out.printf(Locale.ROOT, "llama.cpp's own %s drift from F32: %.5f%n", fileType, maxRelRms);
        }
        try (Gemma3Model model = Gemma3Model.load(file)) {
            Gemma3Inference inf = new Gemma3Inference(model, KvCacheType.F16, pool, 32);
            // both kernels: one next-token step at a time (the decode kernels), and the sequence as prompt
            // passes (decoded rows times the batch)
            float[][] steps = new float[ids.length][N_VOCAB];
            try (KvCache cache = inf.newCache(128)) {
                for (int p = 0; p < ids.length; p++) {
                    inf.step(cache, ids[p], p, steps[p]);
                }
            }
            float[][] prompt = new float[ids.length][N_VOCAB];
            try (KvCache cache = inf.newCache(128)) {
                for (int p = 0; p < ids.length; p += 32) {
                    int n = Math.min(32, ids.length - p);
                    inf.forward(cache, ids, p, n, p, null, java.util.Arrays.copyOfRange(prompt, p, p + n));
                }
            }
            assertCloseToOracle(new Logits(steps), oracle, spec.name() + " " + fileType + " steps", maxRelRms);
            assertCloseToOracle(new Logits(prompt), oracle, spec.name() + " " + fileType + " prompt", maxRelRms);
        }
    }

    private static void assertCloseToOracle(Logits ours, Logits oracle, String what, double maxRelRms) {
        double rel = ours.relativeRmsError(oracle);
        int[] decisive = ours.decisivePositions(oracle, 2);
        double top1 = ours.top1Agreement(oracle, decisive);
        int positions = oracle.rows().length;
        System.out.printf(Locale.ROOT, "%s: relative RMS %.5f, top-1 %.3f (all %d positions), %.3f (%d decisive)%n",
                what, rel, ours.top1Agreement(oracle), positions, top1, decisive.length);
        assertThat(rel).as(what).isLessThan(maxRelRms);
        assertThat(decisive.length).as(what).isGreaterThanOrEqualTo(positions / 2);
        assertThat(top1).as(what).isGreaterThanOrEqualTo(0.97);
    }

    static Stream<Spec> greedySpecs() {
        return Stream.of(FixtureModels.DEEP, FixtureModels.UNTIED);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("greedySpecs")
    void f32GreedyContinuationIsIdenticalToLlamaCpp(Spec spec) throws Exception {
        Path file = FixtureModels.f32(spec);
        int[] prompt = Logits.probeSequence(20);
        int n = 64;
        int[] expected = LlamaOracle.generate(file, prompt, n);
        try (Gemma3Model model = Gemma3Model.load(file)) {
            Gemma3Inference inf = new Gemma3Inference(model, KvCacheType.F16, pool, 32);
            float[] logits = new float[N_VOCAB];
            int[] got = new int[n];
            try (KvCache cache = inf.newCache(128)) {
                inf.forward(cache, prompt, 0, prompt.length, 0, logits, null);
                for (int i = 0; i < n; i++) {
                    got[i] = Logits.argmax(logits);
                    inf.step(cache, got[i], prompt.length + i, logits);
                }
            }
            assertThat(got).containsExactly(expected);
        }
    }
}
