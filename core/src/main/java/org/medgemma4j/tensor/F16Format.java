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
        return Ggml.VECTOR ? dotVector(w, offset, x, xOffset, n) : dotScalar(w, offset, x, xOffset, n);
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

    static float dotVector(MemorySegment w, long offset, float[] x, int xOffset, int n) {
        FloatVector a0 = FloatVector.zero(FS), a1 = a0;
        int i = 0;
        for (; i + 2 * L <= n; i += 2 * L) {
            long o = offset + 2L * i;
            a0 = halves(w, o).fma(FloatVector.fromArray(FS, x, xOffset + i), a0);
            a1 = halves(w, o + 2L * L).fma(FloatVector.fromArray(FS, x, xOffset + i + L), a1);
        }
        for (; i + L <= n; i += L) {
            a0 = halves(w, offset + 2L * i).fma(FloatVector.fromArray(FS, x, xOffset + i), a0);
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
