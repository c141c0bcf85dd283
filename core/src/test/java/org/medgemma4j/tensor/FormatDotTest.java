package org.medgemma4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fused dequantize-and-dot kernels, vector and scalar, agree with a double-precision dot of the decoded
 * weights: |dot - exact| <= 1e-5 * sum |w_i * x_i| (float rounding of a few thousand terms, summed in 16 lanes
 * or per 32-block, stays far below this; a wrong nibble or scale is far above it).
 */
class FormatDotTest {

    private static final double TOLERANCE = 1e-5;

    @FunctionalInterface
    interface Dot {
        float dot(MemorySegment w, long offset, float[] x, int xOffset, int n);
    }

    static Stream<Arguments> cases() {
        Stream<GgmlType> types = Stream.concat(Stream.of(GgmlType.F32), FormatTestData.TYPES.stream());
        return types.flatMap(t -> Stream.of("normal", "positive", "outliers", "wideScales", "zeros")
                .flatMap(d -> Stream.of(32, 256, 4096, 4096 + 7 * 32)
                        .flatMap(n -> Stream.of(Arguments.of(t, d, n)))));
    }

    @ParameterizedTest(name = "{0} {1} n={2}")
    @MethodSource("cases")
    void dotMatchesDoubleReference(GgmlType type, String distribution, int n) {
        check(type, distribution, n, TensorFormats.of(type)::dot, "dot");
        check(type, distribution, n, scalar(type), "scalar");
        if (Ggml.VECTOR) {
            check(type, distribution, n, vector(type), "vector");
        }
    }

    /** 16-bit and F32 rows need not be a multiple of the vector length: the tails are summed one by one. */
    @ParameterizedTest(name = "{0} n={1}")
    @MethodSource("oddLengths")
    void oddLengthsOfElementTypes(GgmlType type, int n) {
        check(type, "normal", n, TensorFormats.of(type)::dot, "dot");
    }

    /** Infinite and NaN halves reach the vector kernel's special-value patch. */
    @org.junit.jupiter.api.Test
    void f16InfinityAndNanPropagate() {
        float[] x = new float[64];
        java.util.Arrays.fill(x, 1f);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(128);
            seg.set(Ggml.SHORT_LE, 2 * 5, (short) 0x7C00);
            assertThat(TensorFormats.of(GgmlType.F16).dot(seg, 0, x, 0, 64)).isEqualTo(Float.POSITIVE_INFINITY);
            seg.set(Ggml.SHORT_LE, 2 * 40, (short) 0xFC00);
            assertThat(TensorFormats.of(GgmlType.F16).dot(seg, 0, x, 0, 64)).isNaN();
            seg.set(Ggml.SHORT_LE, 2 * 5, (short) 0);
            seg.set(Ggml.SHORT_LE, 2 * 40, (short) 0x7E00);
            assertThat(TensorFormats.of(GgmlType.F16).dot(seg, 0, x, 0, 64)).isNaN();
        }
    }

    static Stream<Arguments> oddLengths() {
        return Stream.of(GgmlType.F32, GgmlType.F16, GgmlType.BF16)
                .flatMap(t -> Stream.of(1, 7, 15, 17, 33, 63, 65, 1001).map(n -> Arguments.of(t, n)));
    }

    private static void check(GgmlType type, String distribution, int n, Dot dot, String path) {
        TensorFormat f = TensorFormats.of(type);
        float[] values = FormatTestData.values(distribution, n, 11);
        long bytes = type.bytesFor(n);
        long offset = 37; // unaligned, inside a larger segment, like a tensor in a mapped file
        int xOffset = 9;
        Random r = new Random(n * 7L + type.id);
        float[] x = new float[xOffset + n + 5];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(offset + bytes + 64);
            f.quantize(values, 0, seg, offset, n);
            float[] w = new float[n];
            f.dequantize(seg, offset, w, 0, n);
            double exact = 0;
            double magnitude = 0;
            for (int i = 0; i < n; i++) {
                exact += (double) w[i] * x[xOffset + i];
                magnitude += Math.abs((double) w[i] * x[xOffset + i]);
            }
            float got = dot.dot(seg, offset, x, xOffset, n);
            assertThat(Math.abs(got - exact))
                    .as("%s %s %s n=%d: got %s, exact %s", path, type, distribution, n, got, exact)
                    .isLessThanOrEqualTo(TOLERANCE * magnitude);
        }
    }

    private static Dot scalar(GgmlType type) {
        return switch (type) {
            case F32 -> F32Format::dotScalar;
            case F16 -> F16Format::dotScalar;
            case BF16 -> BF16Format::dotScalar;
            case Q8_0 -> Q8_0Format::dotScalar;
            case Q4_0 -> Q4_0Format::dotScalar;
            case Q4_1 -> Q4_1Format::dotScalar;
            case Q5_0 -> Q5_0Format::dotScalar;
            case Q5_1 -> Q5_1Format::dotScalar;
            default -> throw new IllegalArgumentException(type.name());
        };
    }

    private static Dot vector(GgmlType type) {
        return switch (type) {
            case F32 -> F32Format::dotVector;
            case F16 -> F16Format::dotVector;
            case BF16 -> BF16Format::dotVector;
            case Q8_0 -> Q8_0Format::dotVector;
            case Q4_0 -> Q4_0Format::dotVector;
            case Q4_1 -> Q4_1Format::dotVector;
            case Q5_0 -> Q5_0Format::dotVector;
            case Q5_1 -> Q5_1Format::dotVector;
            default -> throw new IllegalArgumentException(type.name());
        };
    }
}
