package org.medgemma4j.tensor;

import static org.medgemma4j.tensor.Ggml.FS;
import static org.medgemma4j.tensor.Ggml.L;
import static org.medgemma4j.tensor.Ggml.SHORT_LE;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Blocks of 32: an f16 scale d, then 16 bytes whose low nibbles are elements 0..15 and high nibbles
 * elements 16..31; value = (q - 8)*d.
 */
public final class Q4_0Format implements TensorFormat {

    private static final int QK = 32;
    private static final int BLOCK = 18;

    @Override
    public GgmlType type() {
        return GgmlType.Q4_0;
    }

    @Override
    public void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        Ggml.checkBlocks(GgmlType.Q4_0, n);
        for (int b = 0; b < n / QK; b++) {
            long o = offset + (long) b * BLOCK;
            int y = dstOffset + b * QK;
            float d = Ggml.f16(src, o);
            for (int j = 0; j < QK / 2; j++) {
                int q = src.get(ValueLayout.JAVA_BYTE, o + 2 + j);
                dst[y + j] = ((q & 0x0F) - 8) * d;
                dst[y + j + QK / 2] = ((q >> 4 & 0x0F) - 8) * d;
            }
        }
    }

    @Override
    public float dot(MemorySegment w, long offset, float[] x, int xOffset, int n) {
        Ggml.checkBlocks(GgmlType.Q4_0, n);
        return Ggml.VECTOR ? dotVector(w, offset, x, xOffset, n) : dotScalar(w, offset, x, xOffset, n);
    }

    static float dotVector(MemorySegment w, long offset, float[] x, int xOffset, int n) {
        FloatVector acc = FloatVector.zero(FS);
        for (int b = 0; b < n / QK; b++) {
            long o = offset + (long) b * BLOCK;
            int xi = xOffset + b * QK;
            FloatVector s = FloatVector.zero(FS);
            for (int k = 0; k < QK / 2; k += L) {
                ByteVector q = Ggml.bytes(w, o + 2 + k);
                FloatVector lo = Ggml.toFloats(q.and((byte) 0x0F).sub((byte) 8));
                FloatVector hi = Ggml.toFloats(q.lanewise(VectorOperators.LSHR, 4).sub((byte) 8));
                s = lo.fma(FloatVector.fromArray(FS, x, xi + k), s);
                s = hi.fma(FloatVector.fromArray(FS, x, xi + QK / 2 + k), s);
            }
            acc = s.fma(FloatVector.broadcast(FS, Ggml.f16(w, o)), acc);
        }
        return Ggml.sum(acc);
    }

    static float dotScalar(MemorySegment w, long offset, float[] x, int xOffset, int n) {
        float acc = 0;
        for (int b = 0; b < n / QK; b++) {
            long o = offset + (long) b * BLOCK;
            int xi = xOffset + b * QK;
            float s = 0;
            for (int j = 0; j < QK / 2; j++) {
                int q = w.get(ValueLayout.JAVA_BYTE, o + 2 + j);
                s += ((q & 0x0F) - 8) * x[xi + j] + ((q >> 4 & 0x0F) - 8) * x[xi + j + QK / 2];
            }
            acc += Ggml.f16(w, o) * s;
        }
        return acc;
    }

    @Override
    public boolean canQuantize() {
        return true;
    }

    /** quantize_row_q4_0_ref: d = (the value of largest magnitude)/-8, q = min(15, (int8)(x/d + 8.5)). */
    @Override
    public void quantize(float[] src, int srcOffset, MemorySegment dst, long offset, int n) {
        Ggml.checkBlocks(GgmlType.Q4_0, n);
        for (int b = 0; b < n / QK; b++) {
            int s0 = srcOffset + b * QK;
            long o = offset + (long) b * BLOCK;
            float amax = 0;
            float max = 0;
            for (int j = 0; j < QK; j++) {
                float v = src[s0 + j];
                if (amax < Math.abs(v)) {
                    amax = Math.abs(v);
                    max = v;
                }
            }
            float d = max / -8;
            float id = d != 0 ? 1.0f / d : 0.0f;
            dst.set(SHORT_LE, o, Ggml.toF16(d));
            for (int j = 0; j < QK / 2; j++) {
                int q0 = Math.min(15, (byte) Ggml.cvtt(src[s0 + j] * id + 8.5f)) & 0xFF;
                int q1 = Math.min(15, (byte) Ggml.cvtt(src[s0 + QK / 2 + j] * id + 8.5f)) & 0xFF;
                dst.set(ValueLayout.JAVA_BYTE, o + 2 + j, (byte) (q0 | q1 << 4));
            }
        }
    }
}
