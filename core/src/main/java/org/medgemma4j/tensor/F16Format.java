package org.medgemma4j.tensor;

import static org.medgemma4j.tensor.Ggml.FS;
import static org.medgemma4j.tensor.Ggml.L;
import static org.medgemma4j.tensor.Ggml.SHORT_LE;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/** IEEE half floats. */
public final class F16Format implements TensorFormat {

    /** 2^112 moves a half's exponent bias (15) to a float's (127). */
    private static final float REBIAS = 0x1p112f;

    @Override
    public GgmlType type() {
        return GgmlType.F16;
    }

    @Override
    public void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        for (int i = 0; i < n; i++) {
            dst[dstOffset + i] = Ggml.f16(src, offset + 2L * i);
        }
    }

    @Override
    public float dot(MemorySegment w, long offset, float[] x, int xOffset, int n) {
        return Ggml.VECTOR ? dotFast(w, offset, x, xOffset, n) : dotScalar(w, offset, x, xOffset, n);
    }

    /**
     * The Vector API has no half-float conversion: the magnitude bits shifted into a float's place and scaled
     * by 2^112 give every finite half exactly (subnormals included); infinities and NaNs are patched in.
     */
    static FloatVector halves(MemorySegment w, long offset) {
        IntVector h = Ggml.shortsAsInts(w, offset);
        IntVector mag = h.and(0x7FFF);
        IntVector bits = mag.lanewise(VectorOperators.LSHL, 13);
        FloatVector f = bits.reinterpretAsFloats().mul(REBIAS);
        VectorMask<Integer> special = mag.compare(VectorOperators.GE, 0x7C00);
        IntVector fb = f.reinterpretAsInts().blend(bits.or(0x7F800000), special);
        return fb.or(h.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats();
    }

    private static FloatVector load16(MemorySegment w, long offset, int i) {
        return halves(w, offset + 2L * i);
    }

    /**
     * ggml_vec_dot_f16 on AVX-512 (one vector): four 16-lane FMA accumulators over 64-element steps,
     * folded (0+2)+(1+3), then _mm512_reduce_add_ps; with 8-lane vectors each accumulator is two.
     * Used for every n that is a multiple of 64 (every Gemma width), one vector or a batch alike, so that
     * batching never changes a result; other widths take the fallback order.
     */
    private static float dotFast(MemorySegment w, long offset, float[] x, int xOffset, int n) {
        if (n % 64 != 0) {
            return dotVector(w, offset, x, xOffset, n);
        }
        FloatVector a0 = FloatVector.zero(FS), a1 = a0, a2 = a0, a3 = a0;
        if (L == 16) {
            // one 16-element step per pass, the four accumulators rotated: after every 4 steps each is back in
            // its place, having taken exactly the elements it takes 64 at a time. Four conversions per pass
            // made the loop so large that C2 stopped inlining the conversion and boxed its vectors.
            for (int i = 0; i < n; i += 16) {
                FloatVector next = halves(w, offset + 2L * i).fma(FloatVector.fromArray(FS, x, xOffset + i), a0);
                a0 = a1;
                a1 = a2;
                a2 = a3;
                a3 = next;
            }
            // Ggml.sum(a0.add(a2).add(a1.add(a3))), written out: a call here comes past C2's inlining cutoff
            // and boxes the accumulators on every pass of the loop
            FloatVector v = a0.add(a2).add(a1.add(a3));
            v = v.add(v.rearrange(Ggml.FOLD8));
            v = v.add(v.rearrange(Ggml.FOLD4));
            v = v.add(v.rearrange(Ggml.FOLD2));
            v = v.add(v.rearrange(Ggml.FOLD1));
            return v.lane(0);
        }
        // 8 lanes: each 16-lane accumulator of llama.cpp is two vectors (low and high halves)
        FloatVector b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        for (int i = 0; i < n; i += 64) {
            a0 = load16(w, offset, i).fma(FloatVector.fromArray(FS, x, xOffset + i), a0);
            b0 = load16(w, offset, i + 8).fma(FloatVector.fromArray(FS, x, xOffset + i + 8), b0);
            a1 = load16(w, offset, i + 16).fma(FloatVector.fromArray(FS, x, xOffset + i + 16), a1);
            b1 = load16(w, offset, i + 24).fma(FloatVector.fromArray(FS, x, xOffset + i + 24), b1);
            a2 = load16(w, offset, i + 32).fma(FloatVector.fromArray(FS, x, xOffset + i + 32), a2);
            b2 = load16(w, offset, i + 40).fma(FloatVector.fromArray(FS, x, xOffset + i + 40), b2);
            a3 = load16(w, offset, i + 48).fma(FloatVector.fromArray(FS, x, xOffset + i + 48), a3);
            b3 = load16(w, offset, i + 56).fma(FloatVector.fromArray(FS, x, xOffset + i + 56), b3);
        }
        return Ggml.sum(a0.add(a2).add(a1.add(a3)).add(b0.add(b2).add(b1.add(b3))));
    }

    /** llama.cpp's order (llamafile tinyBLAS, AVX-512), as {@link F32Format#dotVector}. */
    static float dotVector(MemorySegment w, long offset, float[] x, int xOffset, int n) {
        FloatVector a0 = FloatVector.zero(FS), a1 = a0;
        int i = 0;
        for (; i + Ggml.TB_LANES <= n; i += Ggml.TB_LANES) {
            long o = offset + 2L * i;
            a0 = halves(w, o).fma(FloatVector.fromArray(FS, x, xOffset + i), a0);
            if (L == 8) {
                a1 = halves(w, o + 2L * L).fma(FloatVector.fromArray(FS, x, xOffset + i + L), a1);
            }
        }
        float s = Ggml.sum(a0.add(a1));
        for (; i < n; i++) {
            s += Ggml.f16(w, offset + 2L * i) * x[xOffset + i];
        }
        return s;
    }

    static float dotScalar(MemorySegment w, long offset, float[] x, int xOffset, int n) {
        float s = 0;
        for (int i = 0; i < n; i++) {
            s += Ggml.f16(w, offset + 2L * i) * x[xOffset + i];
        }
        return s;
    }

    @Override
    public boolean canQuantize() {
        return true;
    }

    @Override
    public void quantize(float[] src, int srcOffset, MemorySegment dst, long offset, int n) {
        for (int i = 0; i < n; i++) {
            dst.set(SHORT_LE, offset + 2L * i, Ggml.toF16(src[srcOffset + i]));
        }
    }
}
