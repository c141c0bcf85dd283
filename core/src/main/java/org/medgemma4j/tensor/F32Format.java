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

    static float dotVector(MemorySegment w, long offset, float[] x, int xOffset, int n) {
        FloatVector a0 = FloatVector.zero(FS), a1 = a0, a2 = a0, a3 = a0;
        int i = 0;
        // four independent accumulators hide the FMA latency
        for (; i + 4 * L <= n; i += 4 * L) {
            long o = offset + 4L * i;
            a0 = FloatVector.fromMemorySegment(FS, w, o, LE).fma(FloatVector.fromArray(FS, x, xOffset + i), a0);
            a1 = FloatVector.fromMemorySegment(FS, w, o + 4L * L, LE).fma(FloatVector.fromArray(FS, x, xOffset + i + L), a1);
            a2 = FloatVector.fromMemorySegment(FS, w, o + 8L * L, LE).fma(FloatVector.fromArray(FS, x, xOffset + i + 2 * L), a2);
            a3 = FloatVector.fromMemorySegment(FS, w, o + 12L * L, LE).fma(FloatVector.fromArray(FS, x, xOffset + i + 3 * L), a3);
        }
        for (; i + L <= n; i += L) {
            a0 = FloatVector.fromMemorySegment(FS, w, offset + 4L * i, LE).fma(FloatVector.fromArray(FS, x, xOffset + i), a0);
        }
        float s = Ggml.sum(a0, a1, a2, a3);
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
