package org.medgemma4j.tensor;

import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/** Fixed-seed inputs for the format tests: the shapes of data that reach each branch of ggml's code. */
final class FormatTestData {

    /** The types checked against ggml (F32 has no ggml row functions and is checked on its own). */
    static final List<GgmlType> TYPES = List.of(
            GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q4_1, GgmlType.Q5_0, GgmlType.Q5_1);

    static final List<String> DISTRIBUTIONS = List.of(
            "normal", "uniform", "positive", "outliers", "zeros", "sparse", "ties", "tiny", "subnormal",
            "huge", "extreme", "mixedScales", "wideScales");

    static final int N = 4096;

    private FormatTestData() {
    }

    static Stream<Arguments> typesAndDistributions() {
        return TYPES.stream().flatMap(t -> DISTRIBUTIONS.stream().map(d -> Arguments.of(t, d)));
    }

    static float[] values(String distribution, int n, long seed) {
        Random r = new Random(seed * 31 + distribution.hashCode());
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            double g = r.nextGaussian();
            v[i] = (float) switch (distribution) {
                case "normal" -> g;
                case "uniform" -> r.nextDouble() * 2 - 1;
                case "positive" -> r.nextDouble() * 3 + 0.5;
                case "outliers" -> r.nextInt(100) == 0 ? g * 100 : g * 0.02;
                case "zeros" -> 0.0;
                case "sparse" -> r.nextInt(4) == 0 ? g : (r.nextBoolean() ? 0.0 : -0.0);
                // half-integers with 127 as each block's largest: Q8_0's d is 1 and roundf meets exact ties
                case "ties" -> i % 32 == 5 ? 127.0 : (r.nextInt(255) - 127) * 0.5;
                case "tiny" -> g * 1e-6;
                // scales under float's normal range: 1/d is infinite in the quantizers
                case "subnormal" -> g * 1e-40;
                case "huge" -> g * 1e4;
                case "extreme" -> g * 1e38;
                case "mixedScales" -> g * Math.pow(10, r.nextInt(17) - 8);
                // as wide as fits in f16 scales
                case "wideScales" -> g * Math.pow(10, r.nextInt(9) - 5);
                default -> throw new IllegalArgumentException(distribution);
            };
        }
        return v;
    }
}
