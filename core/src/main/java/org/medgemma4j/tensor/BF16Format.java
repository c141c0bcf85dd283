package org.medgemma4j.tensor;

import static org.medgemma4j.tensor.Ggml.FS;
import static org.medgemma4j.tensor.Ggml.L;
import static org.medgemma4j.tensor.Ggml.SHORT_LE;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
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
        return Ggml.VECTOR ? dotVector(w, offset, x, xOffset, n) : dotScalar(w, offset, x, xOffset, n);
    }

    private static FloatVector load(MemorySegment w, long offset) {
        // the shift drops the sign extension of the widening
        return Ggml.shortsAsInts(w, offset).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    static float dotVector(MemorySegment w, long offset, float[] x, int xOffset, int n) {
        FloatVector a0 = FloatVector.zero(FS), a1 = a0, a2 = a0, a3 = a0;
        int i = 0;
        for (; i + 4 * L <= n; i += 4 * L) {
            long o = offset + 2L * i;
            a0 = load(w, o).fma(FloatVector.fromArray(FS, x, xOffset + i), a0);
            a1 = load(w, o + 2L * L).fma(FloatVector.fromArray(FS, x, xOffset + i + L), a1);
            a2 = load(w, o + 4L * L).fma(FloatVector.fromArray(FS, x, xOffset + i + 2 * L), a2);
            a3 = load(w, o + 6L * L).fma(FloatVector.fromArray(FS, x, xOffset + i + 3 * L), a3);
        }
        for (; i + L <= n; i += L) {
            a0 = load(w, offset + 2L * i).fma(FloatVector.fromArray(FS, x, xOffset + i), a0);
        }
        float s = Ggml.sum(a0, a1, a2, a3);
        for (; i < n; i++) {
            s += bf16(w, offset + 2L * i) * x[xOffset + i];
        }
        return s;
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
