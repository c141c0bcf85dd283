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
        if (!WIDE) {
            return dotVector(w, offset, x, xOffset, n);
        }
        float[] form = new float[activationFormLength(n)];
        activationForm(x, xOffset, n, form, 0);
        return dotWide(w, offset, form, 0, n);
    }

    /** The wide kernels take 16 float lanes (512-bit vectors). */
    private static final boolean WIDE = KQuants.VECTOR && L == 16;

    /** The block value the kernels meet at position 128h + 64p + 16t + i of a block (see activationForm). */
    private static final int[] KERNEL_ORDER = java.util.stream.IntStream.range(0, QK_K)
            .map(k -> (k / 64) * 64 + 32 * ((k % 16) / 8) + 4 * (k % 8) + (k / 16) % 4)
            .toArray();

    /** x in kernel order. */
    @Override
    public int activationFormLength(int n) {
        return WIDE ? n : 0;
    }

    /**
     * x in the order the wide kernels meet the weights, scaled by {@link #BYTE_SCALE}. The kernels read a
     * half-block's 64 low-nibble bytes as 16 ints and its 32 high-bit bytes, twice, as 16 more (lanes 8-15 shifted
     * right by 2), and merge them into 6-bit values, four per int: byte t of lane i is half-block value
     * 64p + 32(i/8) + 4(i%8) + t, p = 0 for the low nibbles, 1 for the high ones. Each byte position t then
     * becomes 16 floats by a mask, one conversion and a subtraction, with no widening or shifting, and this puts
     * x where those values land.
     */
    @Override
    public void activationForm(float[] x, int xOffset, int n, float[] out, int outOffset) {
        if (!WIDE) {
            return;
        }
        KQuants.permuteBlocks(KERNEL_ORDER, x, xOffset, n, out, outOffset);
        for (int j = 0; j < n; j++) {
            out[outOffset + j] *= BYTE_SCALE[(j % 64) / 16];
        }
    }

    /**
     * The kernels take byte t of a lane's merged 6-bit values masked in place, not shifted down: converted, q
     * times 256^t, less 32 times 256^t (exact), is q - 32 times 256^t, so activationForm scales the x it meets
     * by 256^-t. Powers of two scale exactly: each product is the same float as (q - 32) times x, unless x is
     * below 2^-102 (the scaled x then loses bits to subnormals).
     */
    private static final float[] BYTE_SCALE = {1f, 0x1p-8f, 0x1p-16f, 0x1p-24f};

    /**
     * dequantize's (d*sc)*(q-32) in kernel order, times 256^t to meet the scaled x: byte t of the merged 6-bit
     * ints of half h, part p (low or high nibbles) lands at 128h + 64p + 16t of the block, lane i in sub-block
     * 8h + 4p + i/4.
     */
    @Override
    public void dequantizeInFormOrder(MemorySegment w, long offset, float[] dst, int dstOffset, int n) {
        KQuants.checkBlocks(n);
        if (!WIDE) {
            dequantize(w, offset, dst, dstOffset, n);
            return;
        }
        for (int b = 0; b < n / QK_K; b++) {
            long bo = offset + (long) b * BLOCK_BYTES;
            FloatVector sv = ((FloatVector) ByteVector.fromMemorySegment(KQuants.B, w, bo + SCALES, KQuants.LE)
                    .convertShape(B2I, KQuants.I, 0).convert(I2F, 0))
                    .mul(Float.float16ToFloat(w.get(KQuants.F16, bo + D)));
            IntVector qh = IntVector.fromMemorySegment(KQuants.I, w, bo + QH, KQuants.LE);
            IntVector qh2 = qh.lanewise(LSHR, 2);
            for (int h = 0; h < 2; h++) {
                IntVector ql = IntVector.fromMemorySegment(KQuants.I, w, bo + 64 * h, KQuants.LE);
                IntVector hb = (h == 0 ? HIGH_BITS0 : HIGH_BITS1).selectFrom(qh, qh2);
                IntVector zl = ql.and(0x0F0F0F0F).or(hb.lanewise(LSHL, 4).and(0x30303030));
                IntVector zh = ql.lanewise(LSHR, 4).and(0x0F0F0F0F).or(hb.and(0x30303030));
                FloatVector sl = sv.rearrange(h == 0 ? SCALES00 : SCALES10);
                FloatVector su = sv.rearrange(h == 0 ? SCALES01 : SCALES11);
                int o = dstOffset + b * QK_K + 128 * h;
                for (int t = 0; t < 4; t++) {
                    int mask = 0x3F << 8 * t;
                    float bias = 32 << 8 * t;
                    sl.mul(((FloatVector) zl.and(mask).convert(I2F, 0)).sub(bias)).intoArray(dst, o + 16 * t);
                    su.mul(((FloatVector) zh.and(mask).convert(I2F, 0)).sub(bias)).intoArray(dst, o + 64 + 16 * t);
                }
            }
        }
    }

    @Override
    public void dotRows(MemorySegment w, long offset, long rowBytes, int count, float[] x, int xOffset,
            float[] form, int formOffset, int n, float[] y, int yOffset) {
        KQuants.checkBlocks(n);
        if (!WIDE) {
            TensorFormat.super.dotRows(w, offset, rowBytes, count, x, xOffset, form, formOffset, n, y, yOffset);
            return;
        }
        for (int i = 0; i < count; i++) {
            y[yOffset + i] = dotWide(w, offset + i * rowBytes, form, formOffset, n);
        }
    }

    // The high-bit ints of half 0 (qh lanes 0-7) for lanes 0-7 and the same shifted right by 2 (lanes 16-23
    // of the pair) for lanes 8-15; half 1 takes lanes 8-15 of each.
    private static final IntVector HIGH_BITS0 = IntVector.fromArray(KQuants.I,
            java.util.stream.IntStream.range(0, KQuants.I.length()).map(i -> i < 8 ? i : i + 8).toArray(), 0);
    private static final IntVector HIGH_BITS1 = IntVector.fromArray(KQuants.I,
            java.util.stream.IntStream.range(0, KQuants.I.length()).map(i -> i < 8 ? i + 8 : i + 16).toArray(), 0);
    // the scales (in storage order) to the lanes of half h, part p: lane i is in sub-block 8h + 4p + i/4
    private static final VectorShuffle<Float> SCALES00 = VectorShuffle.fromOp(F, i -> i / 4);
    private static final VectorShuffle<Float> SCALES01 = VectorShuffle.fromOp(F, i -> 4 + i / 4);
    private static final VectorShuffle<Float> SCALES10 = VectorShuffle.fromOp(F, i -> 8 + i / 4);
    private static final VectorShuffle<Float> SCALES11 = VectorShuffle.fromOp(F, i -> 12 + i / 4);

    /**
     * The activations come in {@link #activationForm} (x in kernel order, at {@code a}, byte t's scaled by
     * 256^-t). Byte t of the merged 6-bit values, masked in place and converted, is q times 256^t; subtracting 32
     * times 256^t gives (q - 32) times 256^t exactly. Each 16 weights then cost a mask, a conversion, a
     * subtraction (on the adder pipes) and one FMA, and each part of a half-block is scaled once (lane i of a
     * part is in its sub-block i/4). Sign-extending q - 32 by two shifts (bit 5 flipped first) took 1.17x as
     * long (81 against 69 cycles per block, one core). Taking the -32 out through the sub-block sums of x
     * instead (as llama.cpp does, in integers) saved the subtraction but doubled the float rounding error by
     * cancellation. The final lane sums are written out: a helper call here came after C2's node-count inlining
     * cutoff, stayed a call, and the accumulators were boxed on every pass of the loop (2x slower).
     */
    private static float dotWide(MemorySegment w, long offset, float[] a, int aOff, int n) {
        FloatVector lo = FloatVector.zero(F);
        FloatVector hi = FloatVector.zero(F);
        for (int b = 0; b < n / QK_K; b++) {
            long bo = offset + (long) b * BLOCK_BYTES;
            FloatVector sv = ((FloatVector) ByteVector.fromMemorySegment(KQuants.B, w, bo + SCALES, KQuants.LE)
                    .convertShape(B2I, KQuants.I, 0).convert(I2F, 0))
                    .mul(Float.float16ToFloat(w.get(KQuants.F16, bo + D)));
            IntVector qh = IntVector.fromMemorySegment(KQuants.I, w, bo + QH, KQuants.LE);
            IntVector qh2 = qh.lanewise(LSHR, 2);
            int xb = aOff + b * QK_K;
            {
                IntVector ql = IntVector.fromMemorySegment(KQuants.I, w, bo, KQuants.LE);
                IntVector hb = HIGH_BITS0.selectFrom(qh, qh2);
                IntVector zl = ql.and(0x0F0F0F0F).or(hb.lanewise(LSHL, 4).and(0x30303030));
                IntVector zh = ql.lanewise(LSHR, 4).and(0x0F0F0F0F).or(hb.and(0x30303030));
                FloatVector sl = sv.rearrange(SCALES00);
                FloatVector su = sv.rearrange(SCALES01);
                FloatVector l = ((FloatVector) zl.and(0x3f).convert(I2F, 0)).sub(32f).mul(FloatVector.fromArray(F, a, xb));
                FloatVector u = ((FloatVector) zh.and(0x3f).convert(I2F, 0)).sub(32f).mul(FloatVector.fromArray(F, a, xb + 64));
                l = ((FloatVector) zl.and(0x3f00).convert(I2F, 0)).sub(8192f).fma(FloatVector.fromArray(F, a, xb + 16), l);
                u = ((FloatVector) zh.and(0x3f00).convert(I2F, 0)).sub(8192f).fma(FloatVector.fromArray(F, a, xb + 80), u);
                l = ((FloatVector) zl.and(0x3f0000).convert(I2F, 0)).sub(2097152f).fma(FloatVector.fromArray(F, a, xb + 32), l);
                u = ((FloatVector) zh.and(0x3f0000).convert(I2F, 0)).sub(2097152f).fma(FloatVector.fromArray(F, a, xb + 96), u);
                l = ((FloatVector) zl.and(0x3f000000).convert(I2F, 0)).sub(536870912f).fma(FloatVector.fromArray(F, a, xb + 48), l);
                u = ((FloatVector) zh.and(0x3f000000).convert(I2F, 0)).sub(536870912f).fma(FloatVector.fromArray(F, a, xb + 112), u);
                lo = l.fma(sl, lo);
                hi = u.fma(su, hi);
            }
            {
                IntVector ql = IntVector.fromMemorySegment(KQuants.I, w, bo + 64, KQuants.LE);
                IntVector hb = HIGH_BITS1.selectFrom(qh, qh2);
                IntVector zl = ql.and(0x0F0F0F0F).or(hb.lanewise(LSHL, 4).and(0x30303030));
                IntVector zh = ql.lanewise(LSHR, 4).and(0x0F0F0F0F).or(hb.and(0x30303030));
                FloatVector sl = sv.rearrange(SCALES10);
                FloatVector su = sv.rearrange(SCALES11);
                FloatVector l = ((FloatVector) zl.and(0x3f).convert(I2F, 0)).sub(32f).mul(FloatVector.fromArray(F, a, xb + 128));
                FloatVector u = ((FloatVector) zh.and(0x3f).convert(I2F, 0)).sub(32f).mul(FloatVector.fromArray(F, a, xb + 192));
                l = ((FloatVector) zl.and(0x3f00).convert(I2F, 0)).sub(8192f).fma(FloatVector.fromArray(F, a, xb + 144), l);
                u = ((FloatVector) zh.and(0x3f00).convert(I2F, 0)).sub(8192f).fma(FloatVector.fromArray(F, a, xb + 208), u);
                l = ((FloatVector) zl.and(0x3f0000).convert(I2F, 0)).sub(2097152f).fma(FloatVector.fromArray(F, a, xb + 160), l);
                u = ((FloatVector) zh.and(0x3f0000).convert(I2F, 0)).sub(2097152f).fma(FloatVector.fromArray(F, a, xb + 224), u);
                l = ((FloatVector) zl.and(0x3f000000).convert(I2F, 0)).sub(536870912f).fma(FloatVector.fromArray(F, a, xb + 176), l);
                u = ((FloatVector) zh.and(0x3f000000).convert(I2F, 0)).sub(536870912f).fma(FloatVector.fromArray(F, a, xb + 240), u);
                lo = l.fma(sl, lo);
                hi = u.fma(su, hi);
            }
        }
        FloatVector v = lo.add(hi);
        v = v.add(v.rearrange(Ggml.FOLD8));
        v = v.add(v.rearrange(Ggml.FOLD4));
        v = v.add(v.rearrange(Ggml.FOLD2));
        v = v.add(v.rearrange(Ggml.FOLD1));
        return v.lane(0);
    }

    @Override
    public boolean dotsFourInRegisters() {
        return WIDE;
    }

    /**
     * dotWide for four vectors, as two passes of two: each pass decodes a weight once, in registers, for its
     * two x, and each vector's accumulators take exactly dotWide's operations in its order (bit for bit its
     * result). One pass for all four, written out, passed C2's inlining budget (its vectors were boxed); with
     * a loop over the halves it ran at about 0.8x of two written-out passes (16 accumulators and partial sums
     * beside the decoding leave C2 short of the 32 vector registers).
     */
    @Override
    public void dot4(MemorySegment w, long offset, float[] x, int xOffset, int xStride, float[] form, int fOff,
            int fStride, int n, float[] y, int yOffset, int yStride) {
        KQuants.checkBlocks(n);
        if (!WIDE) {
            TensorFormat.super.dot4(w, offset, x, xOffset, xStride, form, fOff, fStride, n, y, yOffset, yStride);
            return;
        }
        dot2(w, offset, form, fOff, fOff + fStride, n, y, yOffset, yOffset + yStride);
        dot2(w, offset, form, fOff + 2 * fStride, fOff + 3 * fStride, n, y, yOffset + 2 * yStride, yOffset + 3 * yStride);
    }

    private static void dot2(MemorySegment w, long offset, float[] form, int a0, int a1, int n, float[] y, int y0, int y1) {
        FloatVector lo0 = FloatVector.zero(F);
        FloatVector hi0 = FloatVector.zero(F);
        FloatVector lo1 = FloatVector.zero(F);
        FloatVector hi1 = FloatVector.zero(F);
        for (int b = 0; b < n / QK_K; b++) {
            long bo = offset + (long) b * BLOCK_BYTES;
            FloatVector sv = ((FloatVector) ByteVector.fromMemorySegment(KQuants.B, w, bo + SCALES, KQuants.LE)
                    .convertShape(B2I, KQuants.I, 0).convert(I2F, 0))
                    .mul(Float.float16ToFloat(w.get(KQuants.F16, bo + D)));
            IntVector qh = IntVector.fromMemorySegment(KQuants.I, w, bo + QH, KQuants.LE);
            IntVector qh2 = qh.lanewise(LSHR, 2);
            int xb = b * QK_K;
            {
                IntVector ql = IntVector.fromMemorySegment(KQuants.I, w, bo, KQuants.LE);
                IntVector hb = HIGH_BITS0.selectFrom(qh, qh2);
                IntVector zl = ql.and(0x0F0F0F0F).or(hb.lanewise(LSHL, 4).and(0x30303030));
                IntVector zh = ql.lanewise(LSHR, 4).and(0x0F0F0F0F).or(hb.and(0x30303030));
                FloatVector sl = sv.rearrange(SCALES00);
                FloatVector su = sv.rearrange(SCALES01);
                FloatVector fl = ((FloatVector) zl.and(0x3f).convert(I2F, 0)).sub(32f);
                FloatVector l0 = fl.mul(FloatVector.fromArray(F, form, a0 + xb));
                FloatVector l1 = fl.mul(FloatVector.fromArray(F, form, a1 + xb));
                fl = ((FloatVector) zl.and(0x3f00).convert(I2F, 0)).sub(8192f);
                l0 = fl.fma(FloatVector.fromArray(F, form, a0 + xb + 16), l0);
                l1 = fl.fma(FloatVector.fromArray(F, form, a1 + xb + 16), l1);
                fl = ((FloatVector) zl.and(0x3f0000).convert(I2F, 0)).sub(2097152f);
                l0 = fl.fma(FloatVector.fromArray(F, form, a0 + xb + 32), l0);
                l1 = fl.fma(FloatVector.fromArray(F, form, a1 + xb + 32), l1);
                fl = ((FloatVector) zl.and(0x3f000000).convert(I2F, 0)).sub(536870912f);
                l0 = fl.fma(FloatVector.fromArray(F, form, a0 + xb + 48), l0);
                l1 = fl.fma(FloatVector.fromArray(F, form, a1 + xb + 48), l1);
                lo0 = l0.fma(sl, lo0);
                lo1 = l1.fma(sl, lo1);
                FloatVector fu = ((FloatVector) zh.and(0x3f).convert(I2F, 0)).sub(32f);
                FloatVector u0 = fu.mul(FloatVector.fromArray(F, form, a0 + xb + 64));
                FloatVector u1 = fu.mul(FloatVector.fromArray(F, form, a1 + xb + 64));
                fu = ((FloatVector) zh.and(0x3f00).convert(I2F, 0)).sub(8192f);
                u0 = fu.fma(FloatVector.fromArray(F, form, a0 + xb + 80), u0);
                u1 = fu.fma(FloatVector.fromArray(F, form, a1 + xb + 80), u1);
                fu = ((FloatVector) zh.and(0x3f0000).convert(I2F, 0)).sub(2097152f);
                u0 = fu.fma(FloatVector.fromArray(F, form, a0 + xb + 96), u0);
                u1 = fu.fma(FloatVector.fromArray(F, form, a1 + xb + 96), u1);
                fu = ((FloatVector) zh.and(0x3f000000).convert(I2F, 0)).sub(536870912f);
                u0 = fu.fma(FloatVector.fromArray(F, form, a0 + xb + 112), u0);
                u1 = fu.fma(FloatVector.fromArray(F, form, a1 + xb + 112), u1);
                hi0 = u0.fma(su, hi0);
                hi1 = u1.fma(su, hi1);
            }
            {
                IntVector ql = IntVector.fromMemorySegment(KQuants.I, w, bo + 64, KQuants.LE);
                IntVector hb = HIGH_BITS1.selectFrom(qh, qh2);
                IntVector zl = ql.and(0x0F0F0F0F).or(hb.lanewise(LSHL, 4).and(0x30303030));
                IntVector zh = ql.lanewise(LSHR, 4).and(0x0F0F0F0F).or(hb.and(0x30303030));
                FloatVector sl = sv.rearrange(SCALES10);
                FloatVector su = sv.rearrange(SCALES11);
                FloatVector fl = ((FloatVector) zl.and(0x3f).convert(I2F, 0)).sub(32f);
                FloatVector l0 = fl.mul(FloatVector.fromArray(F, form, a0 + xb + 128));
                FloatVector l1 = fl.mul(FloatVector.fromArray(F, form, a1 + xb + 128));
                fl = ((FloatVector) zl.and(0x3f00).convert(I2F, 0)).sub(8192f);
                l0 = fl.fma(FloatVector.fromArray(F, form, a0 + xb + 144), l0);
                l1 = fl.fma(FloatVector.fromArray(F, form, a1 + xb + 144), l1);
                fl = ((FloatVector) zl.and(0x3f0000).convert(I2F, 0)).sub(2097152f);
                l0 = fl.fma(FloatVector.fromArray(F, form, a0 + xb + 160), l0);
                l1 = fl.fma(FloatVector.fromArray(F, form, a1 + xb + 160), l1);
                fl = ((FloatVector) zl.and(0x3f000000).convert(I2F, 0)).sub(536870912f);
                l0 = fl.fma(FloatVector.fromArray(F, form, a0 + xb + 176), l0);
                l1 = fl.fma(FloatVector.fromArray(F, form, a1 + xb + 176), l1);
                lo0 = l0.fma(sl, lo0);
                lo1 = l1.fma(sl, lo1);
                FloatVector fu = ((FloatVector) zh.and(0x3f).convert(I2F, 0)).sub(32f);
                FloatVector u0 = fu.mul(FloatVector.fromArray(F, form, a0 + xb + 192));
                FloatVector u1 = fu.mul(FloatVector.fromArray(F, form, a1 + xb + 192));
                fu = ((FloatVector) zh.and(0x3f00).convert(I2F, 0)).sub(8192f);
                u0 = fu.fma(FloatVector.fromArray(F, form, a0 + xb + 208), u0);
                u1 = fu.fma(FloatVector.fromArray(F, form, a1 + xb + 208), u1);
                fu = ((FloatVector) zh.and(0x3f0000).convert(I2F, 0)).sub(2097152f);
                u0 = fu.fma(FloatVector.fromArray(F, form, a0 + xb + 224), u0);
                u1 = fu.fma(FloatVector.fromArray(F, form, a1 + xb + 224), u1);
                fu = ((FloatVector) zh.and(0x3f000000).convert(I2F, 0)).sub(536870912f);
                u0 = fu.fma(FloatVector.fromArray(F, form, a0 + xb + 240), u0);
                u1 = fu.fma(FloatVector.fromArray(F, form, a1 + xb + 240), u1);
                hi0 = u0.fma(su, hi0);
                hi1 = u1.fma(su, hi1);
            }
        }
        // dotWide's final sums per vector, written out (calls past the inlining cutoff box)
        FloatVector v0 = lo0.add(hi0);
        FloatVector v1 = lo1.add(hi1);
        v0 = v0.add(v0.rearrange(Ggml.FOLD8));
        v1 = v1.add(v1.rearrange(Ggml.FOLD8));
        v0 = v0.add(v0.rearrange(Ggml.FOLD4));
        v1 = v1.add(v1.rearrange(Ggml.FOLD4));
        v0 = v0.add(v0.rearrange(Ggml.FOLD2));
        v1 = v1.add(v1.rearrange(Ggml.FOLD2));
        v0 = v0.add(v0.rearrange(Ggml.FOLD1));
        v1 = v1.add(v1.rearrange(Ggml.FOLD1));
        y[y0] = v0.lane(0);
        y[y1] = v1.lane(0);
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
        return KQuants.VECTOR && !WIDE ? n : 0;
    }

    @Override
    public void prepareRow(MemorySegment w, long offset, int n, float[] out, int outOffset) {
        KQuants.checkBlocks(n);
        prepareVector(w, offset, n, out, outOffset);
    }

    /** dotVector's second FMA per weight, on a prepared row: the same operations in the same order. */
    @Override
    public float dotPrepared(float[] row, int rowOffset, float[] x, int xOffset, float[] form, int formOffset, int n) {
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
