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
 * Blocks of 32: f16 scale d and minimum m, then 16 bytes of nibbles (low: elements 0..15, high: 16..31);
 * value = q*d + m, rounded after the product and again after the sum (ggml's build does not fuse them).
 */
public final class Q4_1Format implements TensorFormat {

    private static final int QK = 32;
    private static final int BLOCK = 20;

    @Override
    public GgmlType type() {
        return GgmlType.Q4_1;
    }

    @Override
    public void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        Ggml.checkBlocks(GgmlType.Q4_1, n);
        for (int b = 0; b < n / QK; b++) {
            long o = offset + (long) b * BLOCK;
            int y = dstOffset + b * QK;
            float d = Ggml.f16(src, o);
            float m = Ggml.f16(src, o + 2);
            for (int j = 0; j < QK / 2; j++) {
                int q = src.get(ValueLayout.JAVA_BYTE, o + 4 + j);
                dst[y + j] = (q & 0x0F) * d + m;
                dst[y + j + QK / 2] = (q >> 4 & 0x0F) * d + m;
            }
        }
    }

    @Override
    public float dot(MemorySegment w, long offset, float[] x, int xOffset, int n) {
        Ggml.checkBlocks(GgmlType.Q4_1, n);
        return Ggml.VECTOR ? dotVector(w, offset, x, xOffset, n) : dotScalar(w, offset, x, xOffset, n);
    }

    static float dotVector(MemorySegment w, long offset, float[] x, int xOffset, int n) {
        FloatVector acc = FloatVector.zero(FS);
        for (int b = 0; b < n / QK; b++) {
            long o = offset + (long) b * BLOCK;
            int xi = xOffset + b * QK;
            FloatVector d = FloatVector.broadcast(FS, Ggml.f16(w, o));
            FloatVector m = FloatVector.broadcast(FS, Ggml.f16(w, o + 2));
            for (int k = 0; k < QK / 2; k += L) {
                ByteVector q = Ggml.bytes(w, o + 4 + k);
                // weights rebuilt with one rounding (fma) rather than ggml's two: well within the dot's error
                FloatVector lo = Ggml.toFloats(q.and((byte) 0x0F)).fma(d, m);
                FloatVector hi = Ggml.toFloats(q.lanewise(VectorOperators.LSHR, 4)).fma(d, m);
                acc = lo.fma(FloatVector.fromArray(FS, x, xi + k), acc);
                acc = hi.fma(FloatVector.fromArray(FS, x, xi + QK / 2 + k), acc);
            }
        }
        return Ggml.sum(acc);
    }

    static float dotScalar(MemorySegment w, long offset, float[] x, int xOffset, int n) {
        float acc = 0;
        for (int b = 0; b < n / QK; b++) {
            long o = offset + (long) b * BLOCK;
            int xi = xOffset + b * QK;
            float d = Ggml.f16(w, o);
            float m = Ggml.f16(w, o + 2);
            float s = 0;
            for (int j = 0; j < QK / 2; j++) {
                int q = w.get(ValueLayout.JAVA_BYTE, o + 4 + j);
                s += ((q & 0x0F) * d + m) * x[xi + j] + ((q >> 4 & 0x0F) * d + m) * x[xi + j + QK / 2];
            }
            acc += s;
        }
        return acc;
    }

    @Override
    public boolean canQuantize() {
        return true;
    }

    /** quantize_row_q4_1_ref: m = min, d = (max - min)/15, q = min(15, (int8)((x - m)/d + 0.5)). */
    @Override
    public void quantize(float[] src, int srcOffset, MemorySegment dst, long offset, int n) {
        Ggml.checkBlocks(GgmlType.Q4_1, n);
        for (int b = 0; b < n / QK; b++) {
            int s0 = srcOffset + b * QK;
            long o = offset + (long) b * BLOCK;
            float min = Float.MAX_VALUE;
            float max = -Float.MAX_VALUE;
            for (int j = 0; j < QK; j++) {
                float v = src[s0 + j];
                if (v < min) {
                    min = v;
                }
                if (v > max) {
                    max = v;
                }
            }
            float d = (max - min) / 15;
            float id = d != 0 ? 1.0f / d : 0.0f;
            dst.set(SHORT_LE, o, Ggml.toF16(d));
            dst.set(SHORT_LE, o + 2, Ggml.toF16(min));
            for (int j = 0; j < QK / 2; j++) {
                int q0 = Math.min(15, (byte) Ggml.cvtt((src[s0 + j] - min) * id + 0.5f)) & 0xFF;
                int q1 = Math.min(15, (byte) Ggml.cvtt((src[s0 + QK / 2 + j] - min) * id + 0.5f)) & 0xFF;
                dst.set(ValueLayout.JAVA_BYTE, o + 4 + j, (byte) (q0 | q1 << 4));
            }
        }
    }
}
