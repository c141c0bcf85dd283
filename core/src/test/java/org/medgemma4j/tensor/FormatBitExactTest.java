package org.medgemma4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.medgemma4j.testing.GgmlReference;

/** The Java formats decode and encode exactly as ggml's reference row functions do. */
class FormatBitExactTest {

    private static final long OFFSET = 13; // blocks need no alignment in GGUF files

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("org.medgemma4j.tensor.FormatTestData#typesAndDistributions")
    void dequantizeMatchesGgml(GgmlType type, String distribution) {
        float[] v = FormatTestData.values(distribution, FormatTestData.N, 1);
        byte[] blocks = GgmlReference.quantize(type, v);
        assertSameBits(type, blocks, FormatTestData.N);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("org.medgemma4j.tensor.FormatTestData#typesAndDistributions")
    void quantizeMatchesGgml(GgmlType type, String distribution) {
        float[] v = FormatTestData.values(distribution, FormatTestData.N, 2);
        byte[] expected = GgmlReference.quantize(type, v);
        TensorFormat f = TensorFormats.of(type);
        assertThat(f.canQuantize()).isTrue();
        int srcOffset = 3;
        float[] src = new float[v.length + 10];
        System.arraycopy(v, 0, src, srcOffset, v.length);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(OFFSET + expected.length + 5);
            f.quantize(src, srcOffset, seg, OFFSET, v.length);
            assertThat(seg.asSlice(OFFSET, expected.length).toArray(ValueLayout.JAVA_BYTE)).isEqualTo(expected);
        }
    }

    /** Every half and bfloat16 bit pattern, NaNs, infinities and subnormals included. */
    @Test
    void everySixteenBitPatternDecodesAsGgml() {
        byte[] all = new byte[2 * 65536];
        for (int i = 0; i < 65536; i++) {
            all[2 * i] = (byte) i;
            all[2 * i + 1] = (byte) (i >> 8);
        }
        assertSameBits(GgmlType.F16, all, 65536);
        assertSameBits(GgmlType.BF16, all, 65536);
    }

    /** Floats with special bit patterns: NaNs with payloads, infinities, rounding boundaries of both 16-bit types. */
    @Test
    void specialFloatsEncodeAsGgml() {
        java.util.Random r = new java.util.Random(7);
        float[] v = new float[8192];
        int[] specials = {0x7F800000, 0xFF800000, 0x7FC00000, 0x7F800001, 0xFFFFFFFF, 0x7FBFFFFF, 0x00000001,
                0x80000001, 0x477FF000, 0x477FEFFF, 0x477FE000, 0x38800000, 0x33000000, 0x33000001, 0x7F7FFFFF,
                0x3F808000, 0x3F818000, 0x3F807FFF};
        for (int i = 0; i < v.length; i++) {
            v[i] = i < specials.length ? Float.intBitsToFloat(specials[i])
                    // random bit patterns hit every exponent, NaN payloads and ties (low 13 or 16 bits)
                    : Float.intBitsToFloat(r.nextBoolean() ? r.nextInt() : r.nextInt() & 0xFFFF0000 | 0x8000 * r.nextInt(2)
                            | (r.nextBoolean() ? 0x1000 : 0));
        }
        for (GgmlType type : new GgmlType[] {GgmlType.F16, GgmlType.BF16}) {
            byte[] expected = GgmlReference.quantize(type, v);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment seg = arena.allocate(expected.length);
                TensorFormats.of(type).quantize(v, 0, seg, 0, v.length);
                assertThat(seg.toArray(ValueLayout.JAVA_BYTE)).as(type.name()).isEqualTo(expected);
            }
        }
    }

    @Test
    void f32IsCopiedExactly() {
        float[] v = FormatTestData.values("mixedScales", 1000, 3);
        v[0] = Float.intBitsToFloat(0x7F812345);
        TensorFormat f = TensorFormats.of(GgmlType.F32);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(OFFSET + 4000);
            f.quantize(v, 0, seg, OFFSET, v.length);
            float[] back = new float[v.length + 2];
            f.dequantize(seg, OFFSET, back, 2, v.length);
            for (int i = 0; i < v.length; i++) {
                assertThat(Float.floatToRawIntBits(back[i + 2])).isEqualTo(Float.floatToRawIntBits(v[i]));
            }
        }
    }

    private static void assertSameBits(GgmlType type, byte[] blocks, int n) {
        float[] expected = GgmlReference.dequantize(type, blocks, n);
        int dstOffset = 5;
        float[] actual = new float[n + 9];
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(OFFSET + blocks.length + 7);
            MemorySegment.copy(blocks, 0, seg, ValueLayout.JAVA_BYTE, OFFSET, blocks.length);
            TensorFormats.of(type).dequantize(seg, OFFSET, actual, dstOffset, n);
        }
        for (int i = 0; i < n; i++) {
            int a = Float.floatToRawIntBits(actual[dstOffset + i]);
            int e = Float.floatToRawIntBits(expected[i]);
            if (a != e) {
                throw new AssertionError(type + " element " + i + ": java " + Integer.toHexString(a) + " ("
                        + actual[dstOffset + i] + "), ggml " + Integer.toHexString(e) + " (" + expected[i] + ")");
            }
        }
    }
}
