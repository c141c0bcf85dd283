package org.medgemma4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.medgemma4j.testing.GgmlReference;
import org.medgemma4j.testing.GgmlVecDot;

/**
 * The integer path computes what llama.cpp's CPU backend computes, bit for bit: activations quantized as
 * its from_float quantizes them, and every integer kernel (the lane-by-lane reference, the Vector API one,
 * the native library where it is built) equal to its vec_dot.
 */
class IntegerKernelsOracleTest {

    private static final int N = 2560;
    private static final List<GgmlType> TYPES = List.of(GgmlType.Q4_K, GgmlType.Q6_K, GgmlType.Q8_0);
    private static final List<String> ACTIVATIONS = List.of(
            "normal", "uniform", "positive", "outliers", "zeros", "sparse", "ties", "tiny", "huge", "mixedScales");

    static Stream<Arguments> cases() {
        return TYPES.stream().flatMap(t -> ACTIVATIONS.stream().map(a -> Arguments.of(t, a)));
    }

    @ParameterizedTest(name = "{0} x {1}")
    @MethodSource("cases")
    void activationsQuantizeAsGgmlsFromFloat(GgmlType type, String distribution) {
        float[] x = FormatTestData.values(distribution, N, 7);
        GgmlType activationType = GgmlVecDot.vecDotType(type);
        assertThat(IntegerKernels.activationType(type)).isEqualTo(activationType);
        QuantizedActivations q = new QuantizedActivations(activationType, N).quantize(x, 0, N);
        assertThat(q.blocks()).isEqualTo(GgmlVecDot.fromFloat(activationType, x));
    }

    @ParameterizedTest(name = "{0} x {1}")
    @MethodSource("cases")
    void everyIntegerKernelEqualsGgmlsVecDot(GgmlType type, String distribution) {
        float[] x = FormatTestData.values(distribution, N, 11);
        QuantizedActivations q = new QuantizedActivations(IntegerKernels.activationType(type), N).quantize(x, 0, N);
        for (int row = 0; row < 6; row++) {
            float[] w = FormatTestData.values(row % 2 == 0 ? "normal" : "mixedScales", N, 100 + row);
            byte[] blocks = GgmlReference.quantize(type, w);
            float expected = GgmlVecDot.vecDot(type, blocks, q.blocks(), N);
            MemorySegment seg = MemorySegment.ofArray(blocks);
            int blockCount = N / type.blockSize;
            float reference = switch (type) {
                case Q4_K -> IntegerDotReference.dotQ4_K(seg, 0, q, blockCount);
                case Q6_K -> IntegerDotReference.dotQ6_K(seg, 0, q, blockCount);
                default -> IntegerDotReference.dotQ8_0(seg, 0, q, blockCount);
            };
            assertThat(Float.floatToRawIntBits(reference)).as("reference, row %d: %s vs ggml %s", row, reference, expected)
                    .isEqualTo(Float.floatToRawIntBits(expected));
            for (IntegerKernels kernels : IntegerKernels.available()) {
                float got = kernels.dot(type, seg, 0, q, N);
                assertThat(Float.floatToRawIntBits(got)).as("%s, row %d: %s vs ggml %s", kernels.name(), row, got, expected)
                        .isEqualTo(Float.floatToRawIntBits(expected));
            }
        }
    }
}
