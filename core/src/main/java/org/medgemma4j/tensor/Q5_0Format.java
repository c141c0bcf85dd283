package org.medgemma4j.tensor;

import static org.medgemma4j.tensor.Ggml.BS;
import static org.medgemma4j.tensor.Ggml.FS;
import static org.medgemma4j.tensor.Ggml.INT_LE;
import static org.medgemma4j.tensor.Ggml.L;
import static org.medgemma4j.tensor.Ggml.SHORT_LE;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * Blocks of 32: an f16 scale d, a little-endian uint32 whose bit j is the fifth bit of element j, then 16
 * bytes of low nibbles (low: elements 0..15, high: 16..31); value = (q - 16)*d.
 */
public final class Q5_0Format implements TensorFormat {

    private static final int QK = 32;
    private static final int BLOCK = 22;

    @Override
    public GgmlType type() {
        return GgmlType.Q5_0;
    }

    @Override
    public void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        Ggml.checkBlocks(GgmlType.Q5_0, n);
        for (int b = 0; b < n / QK; b++) {
            long o = offset + (long) b * BLOCK;
            int y = dstOffset + b * QK;
            float d = Ggml.f16(src, o);
            int qh = src.get(INT_LE, o + 2);
            for (int j = 0; j < QK / 2; j++) {
                int q = src.get(ValueLayout.JAVA_BYTE, o + 6 + j);
                int q0 = (q & 0x0F | (qh >>> j & 1) << 4) - 16;
                int q1 = (q >> 4 & 0x0F | (qh >>> (j + 16) & 1) << 4) - 16;
                dst[y + j] = q0 * d;
                dst[y + j + QK / 2] = q1 * d;
            }
        }
    }

    @Override
    public float dot(MemorySegment w, long offset, float[] x, int xOffset, int n) {
        Ggml.checkBlocks(GgmlType.Q5_0, n);
        return Ggml.VECTOR ? dotVector(w, offset, x, xOffset, n) : dotScalar(w, offset, x, xOffset, n);
    }

    static float dotVector(MemorySegment w, long offset, float[] x, int xOffset, int n) {
        FloatVector acc = FloatVector.zero(FS);
        for (int b = 0; b < n / QK; b++) {
            long o = offset + (long) b * BLOCK;
            int xi = xOffset + b * QK;
            // lanes whose fifth bit is clear get the -16; with it set, (16 + nibble) - 16 is the nibble
            int clear = ~w.get(INT_LE, o + 2);
            FloatVector s = FloatVector.zero(FS);
            for (int k = 0; k < QK / 2; k += L) {
                ByteVector q = Ggml.bytes(w, o + 6 + k);
                VectorMask<Byte> mLo = VectorMask.fromLong(BS, clear >>> k);
                VectorMask<Byte> mHi = VectorMask.fromLong(BS, clear >>> (QK / 2 + k));
                FloatVector lo = Ggml.toFloats(q.and((byte) 0x0F).lanewise(VectorOperators.SUB, (byte) 16, mLo));
                FloatVector hi = Ggml.toFloats(q.lanewise(VectorOperators.LSHR, 4).lanewise(VectorOperators.SUB, (byte) 16, mHi));
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
            int qh = w.get(INT_LE, o + 2);
            float s = 0;
            for (int j = 0; j < QK / 2; j++) {
                int q = w.get(ValueLayout.JAVA_BYTE, o + 6 + j);
                int q0 = (q & 0x0F | (qh >>> j & 1) << 4) - 16;
                int q1 = (q >> 4 & 0x0F | (qh >>> (j + 16) & 1) << 4) - 16;
                s += q0 * x[xi + j] + q1 * x[xi + j + QK / 2];
            }
            acc += Ggml.f16(w, o) * s;
        }
        return acc;
    }

    @Override
    public boolean canQuantize() {
        return true;
    }

    /** quantize_row_q5_0_ref: d = (the value of largest magnitude)/-16, q = min(31, (int8)(x/d + 16.5)). */
    @Override
    public void quantize(float[] src, int srcOffset, MemorySegment dst, long offset, int n) {
        Ggml.checkBlocks(GgmlType.Q5_0, n);
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
            float d = max / -16;
            float id = d != 0 ? 1.0f / d : 0.0f;
            dst.set(SHORT_LE, o, Ggml.toF16(d));
            int qh = 0;
            for (int j = 0; j < QK / 2; j++) {
                int q0 = Math.min(31, (byte) Ggml.cvtt(src[s0 + j] * id + 16.5f)) & 0xFF;
                int q1 = Math.min(31, (byte) Ggml.cvtt(src[s0 + QK / 2 + j] * id + 16.5f)) & 0xFF;
                dst.set(ValueLayout.JAVA_BYTE, o + 6 + j, (byte) (q0 & 0x0F | (q1 & 0x0F) << 4));
                qh |= (q0 >> 4 & 1) << j | (q1 >> 4 & 1) << (j + QK / 2);
            }
            dst.set(INT_LE, o + 2, qh);
        }
    }
}
