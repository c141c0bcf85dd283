package org.medgemma4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.medgemma4j.testing.GgmlReference;

/**
 * The K-quant formats against ggml's own reference kernels: decoding bit for bit, encoding byte for
 * byte, and the fused dot within {@link #DOT_TOLERANCE} of a double-precision dot of ggml's decoded
 * weights. The vector kernels run at the JVM's preferred width; run with -XX:MaxVectorSize=32 to
 * cover 256-bit CPUs.
 */
class KQuantFormatsTest {

    private static final int N = 4096;
    /** dot may differ from a double dot of the dequantized weights by this much relative to sum|w*x|. */
    private static final double DOT_TOLERANCE = 1e-5;

    enum Distribution {
        NORMAL, UNIFORM, OUTLIERS, ZEROS, TINY, POSITIVE, NEGATIVE, GRID, MIXED_SCALES
    }

    static List<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (GgmlType t : new GgmlType[] {GgmlType.Q2_K, GgmlType.Q3_K, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K}) {
            for (Distribution d : Distribution.values()) {
                out.add(Arguments.of(t, d));
            }
        }
        return out;
    }

    static float[] data(Distribution dist, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[N];
        for (int i = 0; i < N; i++) {
            double g = gaussian(r);
            x[i] = (float) switch (dist) {
                case NORMAL -> g * 0.02;
                case UNIFORM -> r.nextDouble(-1, 1);
                case OUTLIERS -> r.nextInt(50) == 0 ? g * 40 : g;
                case ZEROS -> 0.0;
                case TINY -> g * 1e-9;
                case POSITIVE -> Math.abs(g) + 0.5;
                case NEGATIVE -> -Math.abs(g);
                // values on a coarse grid make rounding ties, where round-half-even must match C
                case GRID -> r.nextInt(16) * 0.25 - 2;
                case MIXED_SCALES -> g * Math.pow(10, (i / 32) % 7 - 4) * (r.nextInt(8) == 0 ? 0 : 1);
            };
        }
        return x;
    }

    private static double gaussian(SplittableRandom r) {
        return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K"})
    void isRegisteredAndRejectsPartialBlocks(GgmlType type) {
        assertThat(TensorFormats.isSupported(type)).isTrue();
        TensorFormat f = TensorFormats.of(type);
        assertThat(f.type()).isEqualTo(type);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(type.blockBytes * 2L);
            assertThatThrownBy(() -> f.dot(seg, 0, new float[512], 0, 300)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> f.dequantize(seg, 0, new float[512], 0, 100)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void dequantizeMatchesGgmlBitForBit(GgmlType type, Distribution dist) {
        float[] x = data(dist, 1 + dist.ordinal());
        byte[] blocks = GgmlReference.quantize(type, x);
        float[] expected = GgmlReference.dequantize(type, blocks, N);
        TensorFormat f = TensorFormats.of(type);
        try (Arena arena = Arena.ofConfined()) {
            long pad = 13;
            MemorySegment seg = arena.allocate(blocks.length + 2 * pad);
            MemorySegment.copy(blocks, 0, seg, ValueLayout.JAVA_BYTE, pad, blocks.length);
            float[] got = new float[N + 5];
            f.dequantize(seg, pad, got, 5, N);
            for (int i = 0; i < N; i++) {
                int e = Float.floatToRawIntBits(expected[i]);
                int g = Float.floatToRawIntBits(got[5 + i]);
                if (e != g) {
                    assertThat(got[5 + i]).as("element %d", i).isEqualTo(expected[i]);
                    assertThat(g).as("bits of element %d", i).isEqualTo(e);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void quantizeMatchesGgmlByteForByte(GgmlType type, Distribution dist) {
        TensorFormat f = TensorFormats.of(type);
        assertThat(f.canQuantize()).isTrue();
        float[] x = data(dist, 100 + dist.ordinal());
        byte[] expected = GgmlReference.quantize(type, x);
        try (Arena arena = Arena.ofConfined()) {
            long pad = 7;
            MemorySegment seg = arena.allocate(expected.length + 2 * pad);
            float[] src = new float[N + 3];
            System.arraycopy(x, 0, src, 3, N);
            f.quantize(src, 3, seg, pad, N);
            byte[] got = seg.asSlice(pad, expected.length).toArray(ValueLayout.JAVA_BYTE);
            for (int i = 0; i < expected.length; i++) {
                if (got[i] != expected[i]) {
                    assertThat(got[i]).as("byte %d (block %d, offset %d)", i, i / type.blockBytes, i % type.blockBytes)
                            .isEqualTo(expected[i]);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void dotMatchesDoubleReference(GgmlType type, Distribution dist) {
        float[] w = data(dist, 200 + dist.ordinal());
        byte[] blocks = GgmlReference.quantize(type, w);
        float[] deq = GgmlReference.dequantize(type, blocks, N);
        SplittableRandom r = new SplittableRandom(300 + dist.ordinal());
        int xOffset = 17;
        float[] x = new float[N + xOffset + 9];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) gaussian(r);
        }
        TensorFormat f = TensorFormats.of(type);
        try (Arena arena = Arena.ofConfined()) {
            long pad = 3 * type.blockBytes + 5;
            MemorySegment seg = arena.allocate(blocks.length + 2 * pad);
            MemorySegment.copy(blocks, 0, seg, ValueLayout.JAVA_BYTE, pad, blocks.length);
            // whole row, and a slice of blocks starting inside it
            for (int[] range : new int[][] {{0, N}, {2 * 256, N - 3 * 256}}) {
                int first = range[0];
                int n = range[1];
                double exact = 0;
                double magnitude = 0;
                for (int i = 0; i < n; i++) {
                    exact += (double) deq[first + i] * x[xOffset + first + i];
                    magnitude += Math.abs((double) deq[first + i] * x[xOffset + first + i]);
                }
                long off = pad + (long) first / 256 * type.blockBytes;
                float got = f.dot(seg, off, x, xOffset + first, n);
                assertThat(Math.abs(got - exact)).as("dot of %d from %d: %s vs %s", n, first, got, exact)
                        .isLessThanOrEqualTo(DOT_TOLERANCE * magnitude + 1e-30);
                // the fallback for CPUs without vectors, which this machine would not otherwise run
                float scalar = KQuants.dotByDequantizing(f, seg, off, x, xOffset + first, n);
                assertThat(Math.abs(scalar - exact)).as("scalar dot of %d from %d: %s vs %s", n, first, scalar, exact)
                        .isLessThanOrEqualTo(DOT_TOLERANCE * magnitude + 1e-30);
            }
        }
    }
}
