package org.medgemma4j.tensor;

import static org.medgemma4j.tensor.Ggml.FS;
import static org.medgemma4j.tensor.Ggml.L;
import static org.medgemma4j.tensor.Ggml.SHORT_LE;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/** Blocks of 32: an f16 scale d, then 32 signed bytes q; value = q*d. */
public final class Q8_0Format implements TensorFormat {

    private static final int QK = 32;
    private static final int BLOCK = 34;

    @Override
    public GgmlType type() {
        return GgmlType.Q8_0;
    }

    @Override
    public void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        Ggml.checkBlocks(GgmlType.Q8_0, n);
        for (int b = 0; b < n / QK; b++) {
            long o = offset + (long) b * BLOCK;
            float d = Ggml.f16(src, o);
            if (L == 16) {
                // q*d exactly as below, 16 at a time (prompt batches decode every row they multiply)
                FloatVector dv = FloatVector.broadcast(FS, d);
                Ggml.toFloats(Ggml.bytes(src, o + 2)).mul(dv).intoArray(dst, dstOffset + b * QK);
                Ggml.toFloats(Ggml.bytes(src, o + 18)).mul(dv).intoArray(dst, dstOffset + b * QK + 16);
                continue;
            }
            for (int j = 0; j < QK; j++) {
                dst[dstOffset + b * QK + j] = src.get(ValueLayout.JAVA_BYTE, o + 2 + j) * d;
            }
        }
    }

    @Override
    public float dot(MemorySegment w, long offset, float[] x, int xOffset, int n) {
        Ggml.checkBlocks(GgmlType.Q8_0, n);
        return Ggml.VECTOR ? dotVector(w, offset, x, xOffset, n) : dotScalar(w, offset, x, xOffset, n);
    }

    /**
     * Each block's q.x, scaled once by d into one of two accumulators, even blocks to the first and odd ones to
     * the second: with one accumulator every block waited for the previous block's FMA (4 cycles), a chain
     * that also kept fewer loads in flight.
     */
    static float dotVector(MemorySegment w, long offset, float[] x, int xOffset, int n) {
        FloatVector even = FloatVector.zero(FS);
        FloatVector odd = FloatVector.zero(FS);
        int blocks = n / QK;
        int b = 0;
        for (; b + 1 < blocks; b += 2) {
            even = addBlock(w, offset, x, xOffset, b, even);
            odd = addBlock(w, offset, x, xOffset, b + 1, odd);
        }
        if (b < blocks) {
            even = addBlock(w, offset, x, xOffset, b, even);
        }
        return Ggml.sum(even.add(odd));
    }

    /** acc + d * (block b's q.x, lane-wise): the block's sum of products, scaled once by its d. */
    private static FloatVector addBlock(MemorySegment w, long offset, float[] x, int xOffset, int b, FloatVector acc) {
        long o = offset + (long) b * BLOCK;
        int xi = xOffset + b * QK;
        FloatVector s = Ggml.toFloats(Ggml.bytes(w, o + 2)).mul(FloatVector.fromArray(FS, x, xi));
        for (int k = L; k < QK; k += L) {
            s = Ggml.toFloats(Ggml.bytes(w, o + 2 + k)).fma(FloatVector.fromArray(FS, x, xi + k), s);
        }
        return s.fma(FloatVector.broadcast(FS, Ggml.f16(w, o)), acc);
    }

    @Override
    public boolean dotsFourInRegisters() {
        return L == 16;
    }

    /**
     * dotVector for four vectors: each block's weights are converted to floats once, in registers, and met
     * by the four x with dotVector's operations per vector (bit for bit its result).
     */
    @Override
    public void dot4(MemorySegment w, long offset, float[] x, int xOffset, int xStride, float[] form, int formOffset,
            int formStride, int n, float[] y, int yOffset, int yStride) {
        Ggml.checkBlocks(GgmlType.Q8_0, n);
        if (L != 16) {
            TensorFormat.super.dot4(w, offset, x, xOffset, xStride, form, formOffset, formStride, n, y, yOffset, yStride);
            return;
        }
        int x1 = xStride;
        int x2 = 2 * xStride;
        int x3 = 3 * xStride;
        // dotVector's even- and odd-block accumulators for each of the four vectors
        FloatVector e0 = FloatVector.zero(FS);
        FloatVector e1 = e0;
        FloatVector e2 = e0;
        FloatVector e3 = e0;
        FloatVector o0 = e0;
        FloatVector o1 = e0;
        FloatVector o2 = e0;
        FloatVector o3 = e0;
        int blocks = n / QK;
        for (int b = 0; b < blocks; b++) {
            long o = offset + (long) b * BLOCK;
            int xi = xOffset + b * QK;
            FloatVector w0 = (FloatVector) ByteVector.fromMemorySegment(Ggml.BS, w, o + 2, Ggml.LE)
                    .convertShape(VectorOperators.B2F, FS, 0);
            FloatVector w1 = (FloatVector) ByteVector.fromMemorySegment(Ggml.BS, w, o + 18, Ggml.LE)
                    .convertShape(VectorOperators.B2F, FS, 0);
            FloatVector d = FloatVector.broadcast(FS, Float.float16ToFloat(w.get(Ggml.SHORT_LE, o)));
            FloatVector s0 = w1.fma(FloatVector.fromArray(FS, x, xi + 16), w0.mul(FloatVector.fromArray(FS, x, xi)));
            FloatVector s1 = w1.fma(FloatVector.fromArray(FS, x, x1 + xi + 16), w0.mul(FloatVector.fromArray(FS, x, x1 + xi)));
            FloatVector s2 = w1.fma(FloatVector.fromArray(FS, x, x2 + xi + 16), w0.mul(FloatVector.fromArray(FS, x, x2 + xi)));
            FloatVector s3 = w1.fma(FloatVector.fromArray(FS, x, x3 + xi + 16), w0.mul(FloatVector.fromArray(FS, x, x3 + xi)));
            if ((b & 1) == 0) {
                e0 = s0.fma(d, e0);
                e1 = s1.fma(d, e1);
                e2 = s2.fma(d, e2);
                e3 = s3.fma(d, e3);
            } else {
                o0 = s0.fma(d, o0);
                o1 = s1.fma(d, o1);
                o2 = s2.fma(d, o2);
                o3 = s3.fma(d, o3);
            }
        }
        y[yOffset] = Ggml.sum(e0.add(o0));
        y[yOffset + yStride] = Ggml.sum(e1.add(o1));
        y[yOffset + 2 * yStride] = Ggml.sum(e2.add(o2));
        y[yOffset + 3 * yStride] = Ggml.sum(e3.add(o3));
    }

    // prepared row: the weights as floats (n), then d per block (n/32). It serves batches on 8-lane CPUs;
    // with 16 lanes dot4 decodes in registers instead.
    @Override
    public int preparedRowLength(int n) {
        return Ggml.VECTOR ? n + n / QK : 0;
    }

    @Override
    public void prepareRow(MemorySegment w, long offset, int n, float[] out, int o) {
        Ggml.checkBlocks(GgmlType.Q8_0, n);
        for (int b = 0; b < n / QK; b++) {
            long bo = offset + (long) b * BLOCK;
            for (int k = 0; k < QK; k += L) {
                Ggml.toFloats(Ggml.bytes(w, bo + 2 + k)).intoArray(out, o + b * QK + k);
            }
            out[o + n + b] = Ggml.f16(w, bo);
        }
    }

    /** dotVector on a prepared row: the same operations in the same order. */
    @Override
    public float dotPrepared(float[] row, int o, float[] x, int xOffset, float[] form, int formOffset, int n) {
        FloatVector even = FloatVector.zero(FS);
        FloatVector odd = FloatVector.zero(FS);
        for (int b = 0; b < n / QK; b++) {
            int r = o + b * QK;
            int xi = xOffset + b * QK;
            FloatVector s = FloatVector.fromArray(FS, row, r).mul(FloatVector.fromArray(FS, x, xi));
            for (int k = L; k < QK; k += L) {
                s = FloatVector.fromArray(FS, row, r + k).fma(FloatVector.fromArray(FS, x, xi + k), s);
            }
            if ((b & 1) == 0) {
                even = s.fma(FloatVector.broadcast(FS, row[o + n + b]), even);
            } else {
                odd = s.fma(FloatVector.broadcast(FS, row[o + n + b]), odd);
            }
        }
        return Ggml.sum(even.add(odd));
    }

    static float dotScalar(MemorySegment w, long offset, float[] x, int xOffset, int n) {
        float acc = 0;
        for (int b = 0; b < n / QK; b++) {
            long o = offset + (long) b * BLOCK;
            float s = 0;
            for (int j = 0; j < QK; j++) {
                s += w.get(ValueLayout.JAVA_BYTE, o + 2 + j) * x[xOffset + b * QK + j];
            }
            acc += Ggml.f16(w, o) * s;
        }
        return acc;
    }

    @Override
    public boolean canQuantize() {
        return true;
    }

    /** quantize_row_q8_0_ref: d = amax/127, q = roundf(x/d). */
    @Override
    public void quantize(float[] src, int srcOffset, MemorySegment dst, long offset, int n) {
        Ggml.checkBlocks(GgmlType.Q8_0, n);
        for (int b = 0; b < n / QK; b++) {
            int s0 = srcOffset + b * QK;
            long o = offset + (long) b * BLOCK;
            float amax = 0;
            for (int j = 0; j < QK; j++) {
                float a = Math.abs(src[s0 + j]);
                amax = amax > a ? amax : a;
            }
            float d = amax / 127;
            float id = d != 0 ? 1.0f / d : 0.0f;
            dst.set(SHORT_LE, o, Ggml.toF16(d));
            for (int j = 0; j < QK; j++) {
                dst.set(ValueLayout.JAVA_BYTE, o + 2 + j, (byte) Ggml.cvtt(Ggml.roundf(src[s0 + j] * id)));
            }
        }
    }
}
