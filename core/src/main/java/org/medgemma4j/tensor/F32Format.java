package org.medgemma4j.tensor;

import static org.medgemma4j.tensor.Ggml.FLOAT_LE;
import static org.medgemma4j.tensor.Ggml.FS;
import static org.medgemma4j.tensor.Ggml.L;
import static org.medgemma4j.tensor.Ggml.LE;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;

/** Plain little-endian floats. */
public final class F32Format implements TensorFormat {

    @Override
    public GgmlType type() {
        return GgmlType.F32;
    }

    @Override
    public void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        MemorySegment.copy(src, FLOAT_LE, offset, dst, dstOffset, n);
    }

    @Override
    public float dot(MemorySegment w, long offset, float[] x, int xOffset, int n) {
        return Ggml.VECTOR ? dotFast(w, offset, x, xOffset, n) : dotScalar(w, offset, x, xOffset, n);
    }

    private static FloatVector load32(MemorySegment w, long offset, int i) {
        return FloatVector.fromMemorySegment(FS, w, offset + 4L * i, LE);
    }

    /**
     * ggml_vec_dot_f32 on AVX-512 (one vector): four 16-lane FMA accumulators over 64-element steps,
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
            for (int i = 0; i < n; i += 64) {
                a0 = load32(w, offset, i).fma(FloatVector.fromArray(FS, x, xOffset + i), a0);
                a1 = load32(w, offset, i + 16).fma(FloatVector.fromArray(FS, x, xOffset + i + 16), a1);
                a2 = load32(w, offset, i + 32).fma(FloatVector.fromArray(FS, x, xOffset + i + 32), a2);
                a3 = load32(w, offset, i + 48).fma(FloatVector.fromArray(FS, x, xOffset + i + 48), a3);
            }
            return Ggml.sum(a0.add(a2).add(a1.add(a3)));
        }
        // 8 lanes: each 16-lane accumulator of llama.cpp is two vectors (low and high halves)
        FloatVector b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        for (int i = 0; i < n; i += 64) {
            a0 = load32(w, offset, i).fma(FloatVector.fromArray(FS, x, xOffset + i), a0);
            b0 = load32(w, offset, i + 8).fma(FloatVector.fromArray(FS, x, xOffset + i + 8), b0);
            a1 = load32(w, offset, i + 16).fma(FloatVector.fromArray(FS, x, xOffset + i + 16), a1);
            b1 = load32(w, offset, i + 24).fma(FloatVector.fromArray(FS, x, xOffset + i + 24), b1);
            a2 = load32(w, offset, i + 32).fma(FloatVector.fromArray(FS, x, xOffset + i + 32), a2);
            b2 = load32(w, offset, i + 40).fma(FloatVector.fromArray(FS, x, xOffset + i + 40), b2);
            a3 = load32(w, offset, i + 48).fma(FloatVector.fromArray(FS, x, xOffset + i + 48), a3);
            b3 = load32(w, offset, i + 56).fma(FloatVector.fromArray(FS, x, xOffset + i + 56), b3);
        }
        return Ggml.sum(a0.add(a2).add(a1.add(a3)).add(b0.add(b2).add(b1.add(b3))));
    }

    /**
     * llama.cpp's order (llamafile tinyBLAS, AVX-512): one 16-lane FMA accumulator over 16-element chunks,
     * then _mm512_reduce_add_ps. Narrower vectors keep the 16 lanes as 16 / L accumulators.
     */
    static float dotVector(MemorySegment w, long offset, float[] x, int xOffset, int n) {
        FloatVector a0 = FloatVector.zero(FS), a1 = a0;
        int i = 0;
        for (; i + Ggml.TB_LANES <= n; i += Ggml.TB_LANES) {
            long o = offset + 4L * i;
            a0 = FloatVector.fromMemorySegment(FS, w, o, LE).fma(FloatVector.fromArray(FS, x, xOffset + i), a0);
            if (L == 8) {
                a1 = FloatVector.fromMemorySegment(FS, w, o + 4L * L, LE).fma(FloatVector.fromArray(FS, x, xOffset + i + L), a1);
            }
        }
        float s = Ggml.sum(a0.add(a1));
        for (; i < n; i++) {
            s += w.get(FLOAT_LE, offset + 4L * i) * x[xOffset + i];
        }
        return s;
    }

    static float dotScalar(MemorySegment w, long offset, float[] x, int xOffset, int n) {
        float s = 0;
        for (int i = 0; i < n; i++) {
            s += w.get(FLOAT_LE, offset + 4L * i) * x[xOffset + i];
        }
        return s;
    }

    @Override
    public boolean canQuantize() {
        return true;
    }

    @Override
    public void quantize(float[] src, int srcOffset, MemorySegment dst, long offset, int n) {
        MemorySegment.copy(src, srcOffset, dst, FLOAT_LE, offset, n);
    }
}
