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
        return Ggml.VECTOR ? dotVector(w, offset, x, xOffset, n) : dotScalar(w, offset, x, xOffset, n);
    }

    /**
     * ggml_vec_dot_f32 on AVX-512 (one vector): four 16-lane FMA accumulators over 64-element steps,
     * folded (0+2)+(1+3), then _mm512_reduce_add_ps; with 8-lane vectors each accumulator is two.
     */
    @Override
    public float dotSingle(MemorySegment w, long offset, float[] x, int xOffset, int n) {
        if (!Ggml.VECTOR || n % 64 != 0) {
            return dot(w, offset, x, xOffset, n);
        }
        int per = Ggml.TB_LANES / L; // real vectors per 16-lane accumulator
        FloatVector[] acc = new FloatVector[4 * per];
        java.util.Arrays.fill(acc, FloatVector.zero(FS));
        for (int i = 0; i < n; i += 64) {
            for (int v = 0; v < 4 * per; v++) {
                acc[v] = FloatVector.fromMemorySegment(FS, w, offset + 4L * (i + v * L), LE).fma(FloatVector.fromArray(FS, x, xOffset + i + v * L), acc[v]);
            }
        }
        FloatVector s = FloatVector.zero(FS);
        for (int h = 0; h < per; h++) {
            FloatVector folded = acc[h].add(acc[2 * per + h]).add(acc[per + h].add(acc[3 * per + h]));
            s = h == 0 ? folded : s.add(folded);
        }
        return Ggml.sum(s);
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
