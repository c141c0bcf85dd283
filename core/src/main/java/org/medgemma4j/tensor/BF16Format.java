package org.medgemma4j.tensor;

import static org.medgemma4j.tensor.Ggml.FS;
import static org.medgemma4j.tensor.Ggml.L;
import static org.medgemma4j.tensor.Ggml.SHORT_LE;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/** bfloat16: the top half of a float. */
public final class BF16Format implements TensorFormat {

    @Override
    public GgmlType type() {
        return GgmlType.BF16;
    }

    static float bf16(MemorySegment seg, long offset) {
        return Float.intBitsToFloat(seg.get(SHORT_LE, offset) << 16);
    }

    @Override
    public void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        for (int i = 0; i < n; i++) {
            dst[dstOffset + i] = bf16(src, offset + 2L * i);
        }
    }

    @Override
    public float dot(MemorySegment w, long offset, float[] x, int xOffset, int n) {
        return Ggml.VECTOR ? dotFast(w, offset, x, xOffset, n) : dotScalar(w, offset, x, xOffset, n);
    }

    /**
     * ggml_vec_dot_bf16 with AVX512_BF16 (one vector): two vdpbf16ps accumulators over 64-element steps,
     * each reduced (_mm512_reduce_add_ps) and the two sums added.
     */
    private static float dotFast(MemorySegment w, long offset, float[] x, int xOffset, int n) {
        if (n % 64 != 0) {
            return dotVector(w, offset, x, xOffset, n);
        }
        FloatVector c1 = FloatVector.zero(FS), c1h = c1, c2 = c1, c2h = c1;
        for (int i = 0; i < n; i += 64) {
            c1 = pairStep(w, offset + 2L * i, x, xOffset + i, c1);
            c2 = pairStep(w, offset + 2L * (i + 32), x, xOffset + i + 32, c2);
            if (L == 8) {
                c1h = pairStep(w, offset + 2L * (i + 16), x, xOffset + i + 16, c1h);
                c2h = pairStep(w, offset + 2L * (i + 48), x, xOffset + i + 48, c2h);
            }
        }
        // Ggml.sum(c1.add(c1h)) + Ggml.sum(c2.add(c2h)), written out: calls here come past C2's inlining
        // cutoff and box the accumulators on every pass of the loop
        FloatVector v1 = c1.add(c1h);
        FloatVector v2 = c2.add(c2h);
        if (L == 16) {
            v1 = v1.add(v1.rearrange(Ggml.FOLD8));
            v2 = v2.add(v2.rearrange(Ggml.FOLD8));
        }
        v1 = v1.add(v1.rearrange(Ggml.FOLD4));
        v2 = v2.add(v2.rearrange(Ggml.FOLD4));
        v1 = v1.add(v1.rearrange(Ggml.FOLD2));
        v2 = v2.add(v2.rearrange(Ggml.FOLD2));
        v1 = v1.add(v1.rearrange(Ggml.FOLD1));
        v2 = v2.add(v2.rearrange(Ggml.FOLD1));
        return v1.lane(0) + v2.lane(0);
    }

    /**
     * llama.cpp's order (llamafile tinyBLAS with AVX512_BF16): per 32-element chunk each of 16 lanes adds its
     * odd product, then its even one (vdpbf16ps; bf16 products are exact in float), then
     * _mm512_reduce_add_ps. With 8-lane vectors the 16 lanes are two accumulators over chunk halves.
     */
    static float dotVector(MemorySegment w, long offset, float[] x, int xOffset, int n) {
        FloatVector a0 = FloatVector.zero(FS), a1 = a0;
        int i = 0;
        for (; i + 2 * Ggml.TB_LANES <= n; i += 2 * Ggml.TB_LANES) {
            a0 = pairStep(w, offset + 2L * i, x, xOffset + i, a0);
            if (L == 8) {
                a1 = pairStep(w, offset + 2L * i + 4L * L, x, xOffset + i + 2 * L, a1);
            }
        }
        float s = Ggml.sum(a0.add(a1));
        for (; i < n; i++) {
            s += bf16(w, offset + 2L * i) * x[xOffset + i];
        }
        return s;
    }

    /** One vdpbf16ps step over 2L elements: lane j += w[2j+1] x[2j+1], then += w[2j] x[2j]. */
    private static FloatVector pairStep(MemorySegment w, long offset, float[] x, int xOffset, FloatVector acc) {
        IntVector pairs = IntVector.fromMemorySegment(Ggml.IS, w, offset, Ggml.LE);
        FloatVector odd = pairs.lanewise(VectorOperators.AND, 0xFFFF0000).reinterpretAsFloats();
        FloatVector even = pairs.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
        FloatVector xOdd = FloatVector.fromArray(FS, x, xOffset, Ggml.ODD, 0);
        FloatVector xEven = FloatVector.fromArray(FS, x, xOffset, Ggml.EVEN, 0);
        return acc.add(odd.mul(xOdd)).add(even.mul(xEven));
    }

    static float dotScalar(MemorySegment w, long offset, float[] x, int xOffset, int n) {
        float s = 0;
        for (int i = 0; i < n; i++) {
            s += bf16(w, offset + 2L * i) * x[xOffset + i];
        }
        return s;
    }

    @Override
    public boolean canQuantize() {
        return true;
    }

    /** ggml_fp32_to_bf16_row_ref: round to nearest even; NaNs truncated and forced quiet. */
    static short toBf16(float f) {
        int u = Float.floatToRawIntBits(f);
        if ((u & 0x7FFFFFFF) > 0x7F800000) {
            return (short) ((u >>> 16) | 64);
        }
        return (short) ((u + (0x7FFF + ((u >>> 16) & 1))) >>> 16);
    }

    @Override
    public void quantize(float[] src, int srcOffset, MemorySegment dst, long offset, int n) {
        for (int i = 0; i < n; i++) {
            dst.set(SHORT_LE, offset + 2L * i, toBf16(src[srcOffset + i]));
        }
    }
}
