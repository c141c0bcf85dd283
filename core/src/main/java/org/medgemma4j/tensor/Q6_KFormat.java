package org.medgemma4j.tensor;

import static jdk.incubator.vector.VectorOperators.B2I;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;
import static jdk.incubator.vector.VectorOperators.ZERO_EXTEND_B2I;
import static org.medgemma4j.tensor.KQuants.F;
import static org.medgemma4j.tensor.KQuants.L;
import static org.medgemma4j.tensor.KQuants.QK_K;
import static org.medgemma4j.tensor.KQuants.f16;
import static org.medgemma4j.tensor.KQuants.nearestInt;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;

/**
 * Q6_K: super-blocks of 256 values in 16 sub-blocks of 16, x = d*sc*(q-32) with 6-bit q and int8 sc.
 * Block (210 bytes): 128 bytes of low nibbles, 64 bytes of high 2-bit pairs, 16 int8 scales, f16 d.
 * Each half of 128 values uses 64 ql and 32 qh bytes: value l+32*i takes a nibble of ql[l] or
 * ql[l+32] and bits 2i..2i+1 of qh[l].
 */
final class Q6_KFormat implements TensorFormat {

    private static final int BLOCK_BYTES = 210;
    private static final int QH = 128;
    private static final int SCALES = 192;
    private static final int D = 208;

    @Override
    public GgmlType type() {
        return GgmlType.Q6_K;
    }

    @Override
    public void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        KQuants.checkBlocks(n);
        for (int b = 0; b < n / QK_K; b++) {
            long bo = offset + (long) b * BLOCK_BYTES;
            float d = f16(src, bo + D);
            for (int half = 0; half < 2; half++) {
                long ql = bo + 64L * half;
                long qh = bo + QH + 32L * half;
                long sc = bo + SCALES + 8L * half;
                int y = dstOffset + b * QK_K + 128 * half;
                for (int l = 0; l < 32; ++l) {
                    int is = l / 16;
                    int a = KQuants.u8(src, ql + l);
                    int c = KQuants.u8(src, ql + l + 32);
                    int h = KQuants.u8(src, qh + l);
                    int q1 = ((a & 0xF) | ((h & 3) << 4)) - 32;
                    int q2 = ((c & 0xF) | (((h >> 2) & 3) << 4)) - 32;
                    int q3 = ((a >> 4) | (((h >> 4) & 3) << 4)) - 32;
                    int q4 = ((c >> 4) | (((h >> 6) & 3) << 4)) - 32;
                    dst[y + l] = d * src.get(KQuants.BYTE, sc + is) * q1;
                    dst[y + l + 32] = d * src.get(KQuants.BYTE, sc + is + 2) * q2;
                    dst[y + l + 64] = d * src.get(KQuants.BYTE, sc + is + 4) * q3;
                    dst[y + l + 96] = d * src.get(KQuants.BYTE, sc + is + 6) * q4;
                }
            }
        }
    }

    @Override
    public float dot(MemorySegment w, long offset, float[] x, int xOffset, int n) {
        KQuants.checkBlocks(n);
        if (!KQuants.VECTOR) {
            return KQuants.dotByDequantizing(this, w, offset, x, xOffset, n);
        }
        return L == 16 ? dotWide(w, offset, x, xOffset, n) : dotVector(w, offset, x, xOffset, n);
    }

    // The scales of quarter t (half t/2, columns 16*(t%2) of it) moved to lanes 4t..4t+3.
    private static final VectorShuffle<Float> QUARTERS =
            VectorShuffle.fromValues(F, 0, 2, 4, 6, 1, 3, 5, 7, 8, 10, 12, 14, 9, 11, 13, 15);
    private static final VectorShuffle<Float> LANE0 = VectorShuffle.fromOp(F, i -> 0);
    private static final VectorShuffle<Float> LANE1 = VectorShuffle.fromOp(F, i -> 1);
    private static final VectorShuffle<Float> LANE2 = VectorShuffle.fromOp(F, i -> 2);
    private static final VectorShuffle<Float> LANE3 = VectorShuffle.fromOp(F, i -> 3);
    private static final VectorShuffle<Float> NEXT4 = VectorShuffle.fromOp(F, i -> (i + 4) % F.length());

    /**
     * dotVector for 16 lanes, 2.4x faster on one core: a block's 16 scales are converted as one vector and
     * reach each sub-block by a lane broadcast (not 8 scalar conversions and 16 broadcasts per 64
     * weights), and d*sc*(q - 32) is (q - 32) times the scale, subtracting in ints: the same float as
     * dotVector's fma(q, d*sc, -32*d*sc) (an exact product rounded once either way), so prepared rows and
     * dotPrepared still agree bit for bit. The final lane sum is written out: a helper call here came after
     * C2's node-count inlining cutoff, stayed a call, and the four accumulators were boxed on every pass of
     * the loop (2x slower).
     */
    private static float dotWide(MemorySegment w, long offset, float[] x, int xOffset, int n) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        FloatVector a2 = FloatVector.zero(F);
        FloatVector a3 = FloatVector.zero(F);
        for (int b = 0; b < n / QK_K; b++) {
            long bo = offset + (long) b * BLOCK_BYTES;
            FloatVector sv = ((FloatVector) ByteVector.fromMemorySegment(KQuants.B, w, bo + SCALES, KQuants.LE)
                    .convertShape(B2I, KQuants.I, 0).convert(I2F, 0))
                    .mul(Float.float16ToFloat(w.get(KQuants.F16, bo + D))).rearrange(QUARTERS);
            int xb = xOffset + b * QK_K;
            for (int t = 0; t < 4; t++) {
                int half = t >> 1;
                int h = 16 * (t & 1);
                long ql = bo + 64 * half + h;
                long qh = bo + QH + 32 * half + h;
                int xh = xb + 128 * half + h;
                IntVector a = (IntVector) ByteVector.fromMemorySegment(KQuants.B, w, ql, KQuants.LE)
                        .convertShape(ZERO_EXTEND_B2I, KQuants.I, 0);
                IntVector c = (IntVector) ByteVector.fromMemorySegment(KQuants.B, w, ql + 32, KQuants.LE)
                        .convertShape(ZERO_EXTEND_B2I, KQuants.I, 0);
                IntVector hb = (IntVector) ByteVector.fromMemorySegment(KQuants.B, w, qh, KQuants.LE)
                        .convertShape(ZERO_EXTEND_B2I, KQuants.I, 0);
                IntVector q1 = a.and(0xF).or(hb.and(3).lanewise(LSHL, 4)).sub(32);
                IntVector q2 = c.and(0xF).or(hb.and(0xC).lanewise(LSHL, 2)).sub(32);
                IntVector q3 = a.lanewise(LSHR, 4).or(hb.and(0x30)).sub(32);
                IntVector q4 = c.lanewise(LSHR, 4).or(hb.lanewise(LSHR, 2).and(0x30)).sub(32);
                a0 = ((FloatVector) q1.convert(I2F, 0)).mul(sv.rearrange(LANE0)).fma(FloatVector.fromArray(F, x, xh), a0);
                a1 = ((FloatVector) q2.convert(I2F, 0)).mul(sv.rearrange(LANE1)).fma(FloatVector.fromArray(F, x, xh + 32), a1);
                a2 = ((FloatVector) q3.convert(I2F, 0)).mul(sv.rearrange(LANE2)).fma(FloatVector.fromArray(F, x, xh + 64), a2);
                a3 = ((FloatVector) q4.convert(I2F, 0)).mul(sv.rearrange(LANE3)).fma(FloatVector.fromArray(F, x, xh + 96), a3);
                sv = sv.rearrange(NEXT4);
            }
        }
        // Ggml.sum(a0, a1, a2, a3), written out
        FloatVector v = a0.add(a1).add(a2.add(a3));
        v = v.add(v.rearrange(Ggml.FOLD8));
        v = v.add(v.rearrange(Ggml.FOLD4));
        v = v.add(v.rearrange(Ggml.FOLD2));
        v = v.add(v.rearrange(Ggml.FOLD1));
        return v.lane(0);
    }

    @Override
    public boolean dotsFourInRegisters() {
        return L == 16;
    }

    /**
     * dotWide for four vectors: each weight is decoded and scaled once, in registers, and met by the four x;
     * each vector's four accumulators take exactly dotWide's FMAs in its order (bit for bit its result).
     */
    @Override
    public void dot4(MemorySegment w, long offset, float[] x, int xOffset, int xStride, float[] sums, int sOff,
            int sStride, int n, float[] y, int yOffset, int yStride) {
        KQuants.checkBlocks(n);
        if (L != 16) {
            TensorFormat.super.dot4(w, offset, x, xOffset, xStride, sums, sOff, sStride, n, y, yOffset, yStride);
            return;
        }
        FloatVector a00 = FloatVector.zero(F);
        FloatVector a01 = FloatVector.zero(F);
        FloatVector a02 = FloatVector.zero(F);
        FloatVector a03 = FloatVector.zero(F);
        FloatVector a10 = FloatVector.zero(F);
        FloatVector a11 = FloatVector.zero(F);
        FloatVector a12 = FloatVector.zero(F);
        FloatVector a13 = FloatVector.zero(F);
        FloatVector a20 = FloatVector.zero(F);
        FloatVector a21 = FloatVector.zero(F);
        FloatVector a22 = FloatVector.zero(F);
        FloatVector a23 = FloatVector.zero(F);
        FloatVector a30 = FloatVector.zero(F);
        FloatVector a31 = FloatVector.zero(F);
        FloatVector a32 = FloatVector.zero(F);
        FloatVector a33 = FloatVector.zero(F);
        for (int b = 0; b < n / QK_K; b++) {
            long bo = offset + (long) b * BLOCK_BYTES;
            FloatVector sv = ((FloatVector) ByteVector.fromMemorySegment(KQuants.B, w, bo + SCALES, KQuants.LE)
                    .convertShape(B2I, KQuants.I, 0).convert(I2F, 0))
                    .mul(Float.float16ToFloat(w.get(KQuants.F16, bo + D))).rearrange(QUARTERS);
            int xb = xOffset + b * QK_K;
            for (int t = 0; t < 4; t++) {
                int half = t >> 1;
                int h = 16 * (t & 1);
                long ql = bo + 64 * half + h;
                long qh = bo + QH + 32 * half + h;
                int x0 = xb + 128 * half + h;
                int x1 = x0 + xStride;
                int x2 = x0 + 2 * xStride;
                int x3 = x0 + 3 * xStride;
                IntVector a = (IntVector) ByteVector.fromMemorySegment(KQuants.B, w, ql, KQuants.LE)
                        .convertShape(ZERO_EXTEND_B2I, KQuants.I, 0);
                IntVector c = (IntVector) ByteVector.fromMemorySegment(KQuants.B, w, ql + 32, KQuants.LE)
                        .convertShape(ZERO_EXTEND_B2I, KQuants.I, 0);
                IntVector hb = (IntVector) ByteVector.fromMemorySegment(KQuants.B, w, qh, KQuants.LE)
                        .convertShape(ZERO_EXTEND_B2I, KQuants.I, 0);
                FloatVector w0 = ((FloatVector) a.and(0xF).or(hb.and(3).lanewise(LSHL, 4)).sub(32).convert(I2F, 0))
                        .mul(sv.rearrange(LANE0));
                FloatVector w1 = ((FloatVector) c.and(0xF).or(hb.and(0xC).lanewise(LSHL, 2)).sub(32).convert(I2F, 0))
                        .mul(sv.rearrange(LANE1));
                FloatVector w2 = ((FloatVector) a.lanewise(LSHR, 4).or(hb.and(0x30)).sub(32).convert(I2F, 0))
                        .mul(sv.rearrange(LANE2));
                FloatVector w3 = ((FloatVector) c.lanewise(LSHR, 4).or(hb.lanewise(LSHR, 2).and(0x30)).sub(32)
                        .convert(I2F, 0)).mul(sv.rearrange(LANE3));
                sv = sv.rearrange(NEXT4);
                a00 = w0.fma(FloatVector.fromArray(F, x, x0), a00);
                a01 = w1.fma(FloatVector.fromArray(F, x, x0 + 32), a01);
                a02 = w2.fma(FloatVector.fromArray(F, x, x0 + 64), a02);
                a03 = w3.fma(FloatVector.fromArray(F, x, x0 + 96), a03);
                a10 = w0.fma(FloatVector.fromArray(F, x, x1), a10);
                a11 = w1.fma(FloatVector.fromArray(F, x, x1 + 32), a11);
                a12 = w2.fma(FloatVector.fromArray(F, x, x1 + 64), a12);
                a13 = w3.fma(FloatVector.fromArray(F, x, x1 + 96), a13);
                a20 = w0.fma(FloatVector.fromArray(F, x, x2), a20);
                a21 = w1.fma(FloatVector.fromArray(F, x, x2 + 32), a21);
                a22 = w2.fma(FloatVector.fromArray(F, x, x2 + 64), a22);
                a23 = w3.fma(FloatVector.fromArray(F, x, x2 + 96), a23);
                a30 = w0.fma(FloatVector.fromArray(F, x, x3), a30);
                a31 = w1.fma(FloatVector.fromArray(F, x, x3 + 32), a31);
                a32 = w2.fma(FloatVector.fromArray(F, x, x3 + 64), a32);
                a33 = w3.fma(FloatVector.fromArray(F, x, x3 + 96), a33);
            }
        }
        // Ggml.sum(a0, a1, a2, a3) per vector, written out
        FloatVector v0 = a00.add(a01).add(a02.add(a03));
        FloatVector v1 = a10.add(a11).add(a12.add(a13));
        FloatVector v2 = a20.add(a21).add(a22.add(a23));
        FloatVector v3 = a30.add(a31).add(a32.add(a33));
        v0 = v0.add(v0.rearrange(Ggml.FOLD8));
        v1 = v1.add(v1.rearrange(Ggml.FOLD8));
        v2 = v2.add(v2.rearrange(Ggml.FOLD8));
        v3 = v3.add(v3.rearrange(Ggml.FOLD8));
        v0 = v0.add(v0.rearrange(Ggml.FOLD4));
        v1 = v1.add(v1.rearrange(Ggml.FOLD4));
        v2 = v2.add(v2.rearrange(Ggml.FOLD4));
        v3 = v3.add(v3.rearrange(Ggml.FOLD4));
        v0 = v0.add(v0.rearrange(Ggml.FOLD2));
        v1 = v1.add(v1.rearrange(Ggml.FOLD2));
        v2 = v2.add(v2.rearrange(Ggml.FOLD2));
        v3 = v3.add(v3.rearrange(Ggml.FOLD2));
        v0 = v0.add(v0.rearrange(Ggml.FOLD1));
        v1 = v1.add(v1.rearrange(Ggml.FOLD1));
        v2 = v2.add(v2.rearrange(Ggml.FOLD1));
        v3 = v3.add(v3.rearrange(Ggml.FOLD1));
        y[yOffset] = v0.lane(0);
        y[yOffset + yStride] = v1.lane(0);
        y[yOffset + 2 * yStride] = v2.lane(0);
        y[yOffset + 3 * yStride] = v3.lane(0);
    }

    /**
     * For 8 lanes (256-bit vectors). One pass over L columns l of a half yields the values at l, l+32, l+64 and l+96, each inside one
     * 16-wide sub-block: one FMA makes d*sc*(q-32), a second meets x. The two halves are written out,
     * not looped over, which C2 compiles markedly better (see Q4_KFormat).
     */
    private static float dotVector(MemorySegment w, long offset, float[] x, int xOffset, int n) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        FloatVector a2 = FloatVector.zero(F);
        FloatVector a3 = FloatVector.zero(F);
        for (int b = 0; b < n / QK_K; b++) {
            long bo = offset + (long) b * BLOCK_BYTES;
            float d = f16(w, bo + D);
            int xb = xOffset + b * QK_K;
            {
                long s = w.get(KQuants.LONG, bo + SCALES);
                long ql = bo;
                long qh = bo + QH;
                int xh = xb;
                for (int h = 0; h < 32; h += L) {
                    IntVector a = (IntVector) ByteVector.fromMemorySegment(KQuants.B, w, ql + h, KQuants.LE)
                            .convertShape(ZERO_EXTEND_B2I, KQuants.I, 0);
                    IntVector c = (IntVector) ByteVector.fromMemorySegment(KQuants.B, w, ql + 32 + h, KQuants.LE)
                            .convertShape(ZERO_EXTEND_B2I, KQuants.I, 0);
                    IntVector hb = (IntVector) ByteVector.fromMemorySegment(KQuants.B, w, qh + h, KQuants.LE)
                            .convertShape(ZERO_EXTEND_B2I, KQuants.I, 0);
                    int sh = 8 * (h / 16);
                    float s1 = d * (byte) (s >>> sh);
                    float s2 = d * (byte) (s >>> (sh + 16));
                    float s3 = d * (byte) (s >>> (sh + 32));
                    float s4 = d * (byte) (s >>> (sh + 48));
                    IntVector q1 = a.and(0xF).or(hb.and(3).lanewise(LSHL, 4));
                    IntVector q2 = c.and(0xF).or(hb.and(0xC).lanewise(LSHL, 2));
                    IntVector q3 = a.lanewise(LSHR, 4).or(hb.and(0x30));
                    IntVector q4 = c.lanewise(LSHR, 4).or(hb.lanewise(LSHR, 2).and(0x30));
                    a0 = ((FloatVector) q1.convert(I2F, 0))
                            .fma(FloatVector.broadcast(F, s1), FloatVector.broadcast(F, -32 * s1))
                            .fma(FloatVector.fromArray(F, x, xh + h), a0);
                    a1 = ((FloatVector) q2.convert(I2F, 0))
                            .fma(FloatVector.broadcast(F, s2), FloatVector.broadcast(F, -32 * s2))
                            .fma(FloatVector.fromArray(F, x, xh + 32 + h), a1);
                    a2 = ((FloatVector) q3.convert(I2F, 0))
                            .fma(FloatVector.broadcast(F, s3), FloatVector.broadcast(F, -32 * s3))
                            .fma(FloatVector.fromArray(F, x, xh + 64 + h), a2);
                    a3 = ((FloatVector) q4.convert(I2F, 0))
                            .fma(FloatVector.broadcast(F, s4), FloatVector.broadcast(F, -32 * s4))
                            .fma(FloatVector.fromArray(F, x, xh + 96 + h), a3);
                }
            }
            {
                long s = w.get(KQuants.LONG, bo + SCALES + 8);
                long ql = bo + 64;
                long qh = bo + QH + 32;
                int xh = xb + 128;
                for (int h = 0; h < 32; h += L) {
                    IntVector a = (IntVector) ByteVector.fromMemorySegment(KQuants.B, w, ql + h, KQuants.LE)
                            .convertShape(ZERO_EXTEND_B2I, KQuants.I, 0);
                    IntVector c = (IntVector) ByteVector.fromMemorySegment(KQuants.B, w, ql + 32 + h, KQuants.LE)
                            .convertShape(ZERO_EXTEND_B2I, KQuants.I, 0);
                    IntVector hb = (IntVector) ByteVector.fromMemorySegment(KQuants.B, w, qh + h, KQuants.LE)
                            .convertShape(ZERO_EXTEND_B2I, KQuants.I, 0);
                    int sh = 8 * (h / 16);
                    float s1 = d * (byte) (s >>> sh);
                    float s2 = d * (byte) (s >>> (sh + 16));
                    float s3 = d * (byte) (s >>> (sh + 32));
                    float s4 = d * (byte) (s >>> (sh + 48));
                    IntVector q1 = a.and(0xF).or(hb.and(3).lanewise(LSHL, 4));
                    IntVector q2 = c.and(0xF).or(hb.and(0xC).lanewise(LSHL, 2));
                    IntVector q3 = a.lanewise(LSHR, 4).or(hb.and(0x30));
                    IntVector q4 = c.lanewise(LSHR, 4).or(hb.lanewise(LSHR, 2).and(0x30));
                    a0 = ((FloatVector) q1.convert(I2F, 0))
                            .fma(FloatVector.broadcast(F, s1), FloatVector.broadcast(F, -32 * s1))
                            .fma(FloatVector.fromArray(F, x, xh + h), a0);
                    a1 = ((FloatVector) q2.convert(I2F, 0))
                            .fma(FloatVector.broadcast(F, s2), FloatVector.broadcast(F, -32 * s2))
                            .fma(FloatVector.fromArray(F, x, xh + 32 + h), a1);
                    a2 = ((FloatVector) q3.convert(I2F, 0))
                            .fma(FloatVector.broadcast(F, s3), FloatVector.broadcast(F, -32 * s3))
                            .fma(FloatVector.fromArray(F, x, xh + 64 + h), a2);
                    a3 = ((FloatVector) q4.convert(I2F, 0))
                            .fma(FloatVector.broadcast(F, s4), FloatVector.broadcast(F, -32 * s4))
                            .fma(FloatVector.fromArray(F, x, xh + 96 + h), a3);
                }
            }
        }
        return Ggml.sum(a0, a1, a2, a3);
    }

    /** Each weight as dotVector computes it, d*sc*q - 32*d*sc by one FMA: token-independent, so done once per row. */
    private static void prepareVector(MemorySegment w, long offset, int n, float[] out, int xOffset) {
        float[] x = out;
        for (int b = 0; b < n / QK_K; b++) {
            long bo = offset + (long) b * BLOCK_BYTES;
            float d = f16(w, bo + D);
            int xb = xOffset + b * QK_K;
            {
                long s = w.get(KQuants.LONG, bo + SCALES);
                long ql = bo;
                long qh = bo + QH;
                int xh = xb;
                for (int h = 0; h < 32; h += L) {
                    IntVector a = (IntVector) ByteVector.fromMemorySegment(KQuants.B, w, ql + h, KQuants.LE)
                            .convertShape(ZERO_EXTEND_B2I, KQuants.I, 0);
                    IntVector c = (IntVector) ByteVector.fromMemorySegment(KQuants.B, w, ql + 32 + h, KQuants.LE)
                            .convertShape(ZERO_EXTEND_B2I, KQuants.I, 0);
                    IntVector hb = (IntVector) ByteVector.fromMemorySegment(KQuants.B, w, qh + h, KQuants.LE)
                            .convertShape(ZERO_EXTEND_B2I, KQuants.I, 0);
                    int sh = 8 * (h / 16);
                    float s1 = d * (byte) (s >>> sh);
                    float s2 = d * (byte) (s >>> (sh + 16));
                    float s3 = d * (byte) (s >>> (sh + 32));
                    float s4 = d * (byte) (s >>> (sh + 48));
                    IntVector q1 = a.and(0xF).or(hb.and(3).lanewise(LSHL, 4));
                    IntVector q2 = c.and(0xF).or(hb.and(0xC).lanewise(LSHL, 2));
                    IntVector q3 = a.lanewise(LSHR, 4).or(hb.and(0x30));
                    IntVector q4 = c.lanewise(LSHR, 4).or(hb.lanewise(LSHR, 2).and(0x30));
                    ((FloatVector) q1.convert(I2F, 0))
                            .fma(FloatVector.broadcast(F, s1), FloatVector.broadcast(F, -32 * s1))
                            .intoArray(x, xh + h);
                    ((FloatVector) q2.convert(I2F, 0))
                            .fma(FloatVector.broadcast(F, s2), FloatVector.broadcast(F, -32 * s2))
                            .intoArray(x, xh + 32 + h);
                    ((FloatVector) q3.convert(I2F, 0))
                            .fma(FloatVector.broadcast(F, s3), FloatVector.broadcast(F, -32 * s3))
                            .intoArray(x, xh + 64 + h);
                    ((FloatVector) q4.convert(I2F, 0))
                            .fma(FloatVector.broadcast(F, s4), FloatVector.broadcast(F, -32 * s4))
                            .intoArray(x, xh + 96 + h);
                }
            }
            {
                long s = w.get(KQuants.LONG, bo + SCALES + 8);
                long ql = bo + 64;
                long qh = bo + QH + 32;
                int xh = xb + 128;
                for (int h = 0; h < 32; h += L) {
                    IntVector a = (IntVector) ByteVector.fromMemorySegment(KQuants.B, w, ql + h, KQuants.LE)
                            .convertShape(ZERO_EXTEND_B2I, KQuants.I, 0);
                    IntVector c = (IntVector) ByteVector.fromMemorySegment(KQuants.B, w, ql + 32 + h, KQuants.LE)
                            .convertShape(ZERO_EXTEND_B2I, KQuants.I, 0);
                    IntVector hb = (IntVector) ByteVector.fromMemorySegment(KQuants.B, w, qh + h, KQuants.LE)
                            .convertShape(ZERO_EXTEND_B2I, KQuants.I, 0);
                    int sh = 8 * (h / 16);
                    float s1 = d * (byte) (s >>> sh);
                    float s2 = d * (byte) (s >>> (sh + 16));
                    float s3 = d * (byte) (s >>> (sh + 32));
                    float s4 = d * (byte) (s >>> (sh + 48));
                    IntVector q1 = a.and(0xF).or(hb.and(3).lanewise(LSHL, 4));
                    IntVector q2 = c.and(0xF).or(hb.and(0xC).lanewise(LSHL, 2));
                    IntVector q3 = a.lanewise(LSHR, 4).or(hb.and(0x30));
                    IntVector q4 = c.lanewise(LSHR, 4).or(hb.lanewise(LSHR, 2).and(0x30));
                    ((FloatVector) q1.convert(I2F, 0))
                            .fma(FloatVector.broadcast(F, s1), FloatVector.broadcast(F, -32 * s1))
                            .intoArray(x, xh + h);
                    ((FloatVector) q2.convert(I2F, 0))
                            .fma(FloatVector.broadcast(F, s2), FloatVector.broadcast(F, -32 * s2))
                            .intoArray(x, xh + 32 + h);
                    ((FloatVector) q3.convert(I2F, 0))
                            .fma(FloatVector.broadcast(F, s3), FloatVector.broadcast(F, -32 * s3))
                            .intoArray(x, xh + 64 + h);
                    ((FloatVector) q4.convert(I2F, 0))
                            .fma(FloatVector.broadcast(F, s4), FloatVector.broadcast(F, -32 * s4))
                            .intoArray(x, xh + 96 + h);
                }
            }
        }
    }

    // Prepared rows serve batches on 8-lane (256-bit) CPUs; with 16 lanes dot4 decodes in registers instead.
    @Override
    public int preparedRowLength(int n) {
        return KQuants.VECTOR ? n : 0;
    }

    @Override
    public void prepareRow(MemorySegment w, long offset, int n, float[] out, int outOffset) {
        KQuants.checkBlocks(n);
        prepareVector(w, offset, n, out, outOffset);
    }

    /** dotVector's second FMA per weight, on a prepared row: the same operations in the same order. */
    @Override
    public float dotPrepared(float[] row, int rowOffset, float[] x, int xOffset, float[] sums, int sumsOffset, int n) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        FloatVector a2 = FloatVector.zero(F);
        FloatVector a3 = FloatVector.zero(F);
        for (int b = 0; b < n / QK_K; b++) {
            for (int half = 0; half < 2; half++) {
                int xh = xOffset + b * QK_K + 128 * half;
                int rh = rowOffset + b * QK_K + 128 * half;
                for (int h = 0; h < 32; h += L) {
                    a0 = FloatVector.fromArray(F, row, rh + h).fma(FloatVector.fromArray(F, x, xh + h), a0);
                    a1 = FloatVector.fromArray(F, row, rh + 32 + h).fma(FloatVector.fromArray(F, x, xh + 32 + h), a1);
                    a2 = FloatVector.fromArray(F, row, rh + 64 + h).fma(FloatVector.fromArray(F, x, xh + 64 + h), a2);
                    a3 = FloatVector.fromArray(F, row, rh + 96 + h).fma(FloatVector.fromArray(F, x, xh + 96 + h), a3);
                }
            }
        }
        return Ggml.sum(a0, a1, a2, a3);
    }

    @Override
    public boolean canQuantize() {
        return true;
    }

    @Override
    public void quantize(float[] src, int srcOffset, MemorySegment dst, long offset, int n) {
        KQuants.checkBlocks(n);
        int[] levels = new int[QK_K];
        float[] scales = new float[16];
        byte[] block = new byte[BLOCK_BYTES];
        for (int b = 0; b < n / QK_K; b++) {
            int xb = srcOffset + b * QK_K;
            float maxScale = 0;
            float maxAbsScale = 0;
            for (int ib = 0; ib < 16; ++ib) {
                float scale = KQuants.makeQxQuants(16, 32, src, xb + 16 * ib, levels, 16 * ib);
                scales[ib] = scale;
                float absScale = Math.abs(scale);
                if (absScale > maxAbsScale) {
                    maxAbsScale = absScale;
                    maxScale = scale;
                }
            }
            java.util.Arrays.fill(block, (byte) 0);
            if (maxAbsScale >= KQuants.GROUP_MAX_EPS) {
                float iscale = -128.f / maxScale;
                short dBits = Float.floatToFloat16(1 / iscale);
                for (int ib = 0; ib < 16; ++ib) {
                    block[SCALES + ib] = (byte) Math.min(127, nearestInt(iscale * scales[ib]));
                }
                for (int j = 0; j < 16; ++j) {
                    float d = Float.float16ToFloat(dBits) * block[SCALES + j];
                    if (d == 0) {
                        continue;
                    }
                    for (int ii = 0; ii < 16; ++ii) {
                        int l = nearestInt(src[xb + 16 * j + ii] / d);
                        levels[16 * j + ii] = Math.max(-32, Math.min(31, l)) + 32;
                    }
                }
                for (int j = 0, ql = 0, qh = QH; j < QK_K; j += 128, ql += 64, qh += 32) {
                    for (int l = 0; l < 32; ++l) {
                        int q1 = levels[j + l];
                        int q2 = levels[j + l + 32];
                        int q3 = levels[j + l + 64];
                        int q4 = levels[j + l + 96];
                        block[ql + l] = (byte) ((q1 & 0xF) | ((q3 & 0xF) << 4));
                        block[ql + l + 32] = (byte) ((q2 & 0xF) | ((q4 & 0xF) << 4));
                        block[qh + l] = (byte) ((q1 >> 4) | ((q2 >> 4) << 2) | ((q3 >> 4) << 4) | ((q4 >> 4) << 6));
                    }
                }
                block[D] = (byte) dBits;
                block[D + 1] = (byte) (dBits >> 8);
            }
            MemorySegment.copy(block, 0, dst, KQuants.BYTE, offset + (long) b * BLOCK_BYTES, BLOCK_BYTES);
        }
    }
}
