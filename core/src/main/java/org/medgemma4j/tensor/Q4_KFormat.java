package org.medgemma4j.tensor;

import static jdk.incubator.vector.VectorOperators.I2F;
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
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorShuffle;

/**
 * Q4_K: super-blocks of 256 values in 8 sub-blocks of 32, x = d*sc*q - dmin*m with 4-bit q and 6-bit
 * sc, m. Block (144 bytes): f16 d, f16 dmin, 12 bytes of packed scales/mins, 128 bytes of nibbles;
 * each 32 bytes hold sub-block 2k in the low nibbles and 2k+1 in the high ones.
 */
final class Q4_KFormat implements TensorFormat {

    private static final int BLOCK_BYTES = 144;
    private static final int SCALES = 4;
    private static final int QS = 16;

    @Override
    public GgmlType type() {
        return GgmlType.Q4_K;
    }

    @Override
    public void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        KQuants.checkBlocks(n);
        int[] sc = new int[8];
        int[] m = new int[8];
        for (int b = 0; b < n / QK_K; b++) {
            long bo = offset + (long) b * BLOCK_BYTES;
            float d = f16(src, bo);
            float min = f16(src, bo + 2);
            KQuants.scalesMinsK4(src, bo + SCALES, sc, m);
            int y = dstOffset + b * QK_K;
            for (int k = 0; k < 4; k++) {
                float d1 = d * sc[2 * k];
                float m1 = min * m[2 * k];
                float d2 = d * sc[2 * k + 1];
                float m2 = min * m[2 * k + 1];
                long q = bo + QS + 32L * k;
                for (int l = 0; l < 32; ++l) {
                    dst[y + l] = d1 * (KQuants.u8(src, q + l) & 0xF) - m1;
                }
                for (int l = 0; l < 32; ++l) {
                    dst[y + 32 + l] = d2 * (KQuants.u8(src, q + l) >> 4) - m2;
                }
                y += 64;
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
            return dotNarrow(w, offset, x, xOffset, n);
        }
        float[] form = new float[activationFormLength(n)];
        activationForm(x, xOffset, n, form, 0);
        return dot1(w, offset, form, 0, n);
    }

    /** The multi-row kernels take 16 float lanes (512-bit vectors). */
    private static final boolean WIDE = KQuants.VECTOR && L == 16;

    /** The block value the kernels meet at position 128g + 16p + i of a block (see activationForm). */
    private static final int[] KERNEL_ORDER = java.util.stream.IntStream.range(0, QK_K)
            .map(k -> 64 * (2 * (k / 128) + (k % 16) / 8) + 32 * ((k / 16) % 8 % 2) + 4 * (k % 8) + (k / 16) % 8 / 2)
            .toArray();

    /** x in kernel order, its sub-block sums, and 8 floats of padding: the mins term reads 16 lanes where it needs 8. */
    @Override
    public int activationFormLength(int n) {
        return WIDE ? n + n / 32 + 8 : 0;
    }

    /**
     * x in the order the wide kernels meet the weights, scaled by {@link #NIBBLE_SCALE}, then the sum of each
     * 32-value sub-block of x (added in storage order, unscaled). The kernels read a block's nibbles 64 bytes at
     * a time as 16 ints; a mask and one conversion make nibble p of every lane a float, nibble times 16^p, with no
     * widening or shifting. Lane i then holds byte 4(i%8) + p/2 of chunk 2g + i/8, the low nibble for even p:
     * block value 64(2g + i/8) + 32(p%2) + 4(i%8) + p/2, which is where this puts x.
     */
    @Override
    public void activationForm(float[] x, int xOffset, int n, float[] out, int outOffset) {
        if (!WIDE) {
            return;
        }
        KQuants.permuteBlocks(KERNEL_ORDER, x, xOffset, n, out, outOffset);
        for (int b = 0; b < n / QK_K; b++) {
            for (int j = 0; j < QK_K; j++) {
                out[outOffset + b * QK_K + j] *= NIBBLE_SCALE[(j % 128) / 16];
            }
        }
        int sums = outOffset + n;
        for (int j = 0; j < n / 32; j++) {
            float s = 0;
            for (int i = xOffset + 32 * j, e = i + 32; i < e; i++) {
                s += x[i];
            }
            out[sums + j] = s;
        }
        java.util.Arrays.fill(out, sums + n / 32, sums + n / 32 + 8, 0f);
    }

    /**
     * dequantize's d*sc*q - dmin*m (a product, then a difference, as ggml rounds them) in kernel order, times
     * 16^p to meet the scaled x: nibble p of a 64-byte group's 16 ints, looked up as a float, lands at 128g + 16p
     * of the block, its lanes in sub-blocks 4g + p%2 (lanes 0-7) and 4g + 2 + p%2 (lanes 8-15).
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
            long s8 = w.get(KQuants.LONG, bo + SCALES);
            int u2 = w.get(KQuants.INT, bo + SCALES + 8);
            FloatVector sv = ((FloatVector) LongVector.broadcast(LongVector.SPECIES_128, scales8((int) s8, u2))
                    .reinterpretAsBytes().convertShape(ZERO_EXTEND_B2I, KQuants.I, 0).convert(I2F, 0))
                    .mul(Float.float16ToFloat(w.get(KQuants.F16, bo)));
            FloatVector mv = ((FloatVector) LongVector.broadcast(LongVector.SPECIES_128, mins8((int) (s8 >>> 32), u2))
                    .reinterpretAsBytes().convertShape(ZERO_EXTEND_B2I, KQuants.I, 0).convert(I2F, 0))
                    .mul(Float.float16ToFloat(w.get(KQuants.F16, bo + 2)));
            for (int g = 0; g < 2; g++) {
                IntVector q = IntVector.fromMemorySegment(KQuants.I, w, bo + QS + 64 * g, KQuants.LE);
                VectorShuffle<Float> low = g == 0 ? LOW0 : LOW1;
                VectorShuffle<Float> high = g == 0 ? HIGH0 : HIGH1;
                FloatVector dl = sv.rearrange(low);
                FloatVector ml = mv.rearrange(low);
                FloatVector dh = sv.rearrange(high);
                FloatVector mh = mv.rearrange(high);
                int o = dstOffset + b * QK_K + 128 * g;
                for (int p = 0; p < 8; p += 2) {
                    q.lanewise(LSHR, 4 * p).selectFrom(NIBBLE_FLOATS).reinterpretAsFloats().mul(dl).sub(ml)
                            .mul(NIBBLE_UNSCALE[p]).intoArray(dst, o + 16 * p);
                    q.lanewise(LSHR, 4 * p + 4).selectFrom(NIBBLE_FLOATS).reinterpretAsFloats().mul(dh).sub(mh)
                            .mul(NIBBLE_UNSCALE[p + 1]).intoArray(dst, o + 16 * p + 16);
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
        // One row per kernel call: a two- or four-row kernel (sharing the activation loads) grew past C2's
        // inlining node budget (NodeCountInliningCutoff), its vector operations were no longer inlined and
        // were boxed: 15x slower.
        for (int i = 0; i < count; i++) {
            y[yOffset + i] = dot1(w, offset + i * rowBytes, form, formOffset, n);
        }
    }

    /**
     * The kernels take nibble p of a lane (p = 0..6) masked in place, not shifted down: converted, it is the
     * nibble times 16^p, so activationForm scales the x it meets by 16^-p. Powers of two scale exactly, so every
     * product is the same float as nibble times x (unless x is below 2^-102, where the scaled x loses bits to
     * subnormals). Nibble 7 is shifted down: masked in place it would be the sign bit.
     */
    private static final float[] NIBBLE_SCALE = {1f, 0x1p-4f, 0x1p-8f, 0x1p-12f, 0x1p-16f, 0x1p-20f, 0x1p-24f, 1f};
    /** 1 / NIBBLE_SCALE: weights decoded in form order meet the scaled x. */
    private static final float[] NIBBLE_UNSCALE = {1f, 0x1p4f, 0x1p8f, 0x1p12f, 0x1p16f, 0x1p20f, 0x1p24f, 1f};
    private static final int KMASK1 = 0x3f3f3f3f;
    private static final int KMASK2 = 0x0f0f0f0f;
    private static final int KMASK3 = 0x03030303;

    /** get_scale_min_k4 for all eight sub-blocks at once (ggml's kmask unpacking): byte j of the result. */
    private static long scales8(int u0, int u2) {
        return (u0 & KMASK1) & 0xFFFFFFFFL | (long) ((u2 & KMASK2) | ((u0 >>> 6) & KMASK3) << 4) << 32;
    }

    private static long mins8(int u1, int u2) {
        return (u1 & KMASK1) & 0xFFFFFFFFL | (long) (((u2 >>> 4) & KMASK2) | ((u1 >>> 6) & KMASK3) << 4) << 32;
    }

    /** The floats 0..15 as int bits: a nibble looked up here is that nibble as a float. */
    private static final IntVector NIBBLE_FLOATS = IntVector.fromArray(KQuants.I,
            java.util.stream.IntStream.range(0, KQuants.I.length()).map(i -> Float.floatToRawIntBits(i)).toArray(), 0);

    // a block's scales (lanes 0-7) to the lanes of 64 nibble bytes: group g, low nibbles are sub-blocks 4g
    // (lanes 0-7) and 4g+2 (lanes 8-15), high nibbles 4g+1 and 4g+3
    private static final VectorShuffle<Float> LOW0 = VectorShuffle.fromOp(F, i -> i < 8 ? 0 : 2);
    private static final VectorShuffle<Float> HIGH0 = VectorShuffle.fromOp(F, i -> i < 8 ? 1 : 3);
    private static final VectorShuffle<Float> LOW1 = VectorShuffle.fromOp(F, i -> i < 8 ? 4 : 6);
    private static final VectorShuffle<Float> HIGH1 = VectorShuffle.fromOp(F, i -> i < 8 ? 5 : 7);
    private static final VectorShuffle<Float> NEXT4 = VectorShuffle.fromOp(F, i -> (i + 4) % F.length());

    /**
     * sum_i x_i (d sc_j q_i - dmin m_j) = sum_j d sc_j (sum_i q_i x_i) - dmin sum_j m_j (sum_i x_i): the
     * mins need only the activations' sub-block sums, so each 16 weights cost a mask, a conversion and one FMA
     * (a shift and a table lookup took 1.2x as long: 60 against 49 cycles per block, one core, in cache); each
     * pair of sub-blocks' q.x is then scaled once. The activations come in {@link #activationForm}: x
     * in kernel order at {@code a}, the sums after it. A block's eight scales and eight mins are unpacked
     * together and converted as one vector each (scalar unpacking took ~40% of the kernel); the mins term
     * accumulates lane-wise over blocks (lanes 0-7; lanes 8-15 carry junk that the final sum never reads).
     * Written out, with no helper calls: past C2's node-count cutoff a call that is not a Vector API method
     * stays a call, and the vectors crossing it are boxed (10x slower).
     */
    private static float dot1(MemorySegment w, long offset, float[] a, int aOff, int n) {
        FloatVector lo = FloatVector.zero(F);
        FloatVector hi = FloatVector.zero(F);
        FloatVector mins = FloatVector.zero(F);
        int sOff = aOff + n;
        for (int b = 0; b < n / QK_K; b++) {
            long bo = offset + (long) b * BLOCK_BYTES;
            long s8 = w.get(KQuants.LONG, bo + SCALES);
            int u2 = w.get(KQuants.INT, bo + SCALES + 8);
            long scales = scales8((int) s8, u2);
            long mns = mins8((int) (s8 >>> 32), u2);
            FloatVector mv = (FloatVector) LongVector.broadcast(LongVector.SPECIES_128, mns).reinterpretAsBytes()
                    .convertShape(ZERO_EXTEND_B2I, KQuants.I, 0).convert(I2F, 0);
            mins = mv.mul(FloatVector.fromArray(F, a, sOff + 8 * b))
                    .fma(FloatVector.broadcast(F, Float.float16ToFloat(w.get(KQuants.F16, bo + 2))), mins);
            FloatVector sv = ((FloatVector) LongVector.broadcast(LongVector.SPECIES_128, scales).reinterpretAsBytes()
                    .convertShape(ZERO_EXTEND_B2I, KQuants.I, 0).convert(I2F, 0))
                    .mul(Float.float16ToFloat(w.get(KQuants.F16, bo)));
            int xb = aOff + b * QK_K;
            {
                IntVector q = IntVector.fromMemorySegment(KQuants.I, w, bo + QS, KQuants.LE);
                FloatVector l = ((FloatVector) q.and(15).convert(I2F, 0)).mul(FloatVector.fromArray(F, a, xb));
                FloatVector h = ((FloatVector) q.and(0xf0).convert(I2F, 0))
                        .mul(FloatVector.fromArray(F, a, xb + 16));
                l = ((FloatVector) q.and(0xf00).convert(I2F, 0))
                        .fma(FloatVector.fromArray(F, a, xb + 32), l);
                h = ((FloatVector) q.and(0xf000).convert(I2F, 0))
                        .fma(FloatVector.fromArray(F, a, xb + 48), h);
                l = ((FloatVector) q.and(0xf0000).convert(I2F, 0))
                        .fma(FloatVector.fromArray(F, a, xb + 64), l);
                h = ((FloatVector) q.and(0xf00000).convert(I2F, 0))
                        .fma(FloatVector.fromArray(F, a, xb + 80), h);
                l = ((FloatVector) q.and(0xf000000).convert(I2F, 0))
                        .fma(FloatVector.fromArray(F, a, xb + 96), l);
                h = ((FloatVector) q.lanewise(LSHR, 28).convert(I2F, 0))
                        .fma(FloatVector.fromArray(F, a, xb + 112), h);
                lo = l.fma(sv.rearrange(LOW0), lo);
                hi = h.fma(sv.rearrange(HIGH0), hi);
            }
            {
                IntVector q = IntVector.fromMemorySegment(KQuants.I, w, bo + QS + 64, KQuants.LE);
                FloatVector l = ((FloatVector) q.and(15).convert(I2F, 0)).mul(FloatVector.fromArray(F, a, xb + 128));
                FloatVector h = ((FloatVector) q.and(0xf0).convert(I2F, 0))
                        .mul(FloatVector.fromArray(F, a, xb + 144));
                l = ((FloatVector) q.and(0xf00).convert(I2F, 0))
                        .fma(FloatVector.fromArray(F, a, xb + 160), l);
                h = ((FloatVector) q.and(0xf000).convert(I2F, 0))
                        .fma(FloatVector.fromArray(F, a, xb + 176), h);
                l = ((FloatVector) q.and(0xf0000).convert(I2F, 0))
                        .fma(FloatVector.fromArray(F, a, xb + 192), l);
                h = ((FloatVector) q.and(0xf00000).convert(I2F, 0))
                        .fma(FloatVector.fromArray(F, a, xb + 208), h);
                l = ((FloatVector) q.and(0xf000000).convert(I2F, 0))
                        .fma(FloatVector.fromArray(F, a, xb + 224), l);
                h = ((FloatVector) q.lanewise(LSHR, 28).convert(I2F, 0))
                        .fma(FloatVector.fromArray(F, a, xb + 240), h);
                lo = l.fma(sv.rearrange(LOW1), lo);
                hi = h.fma(sv.rearrange(HIGH1), hi);
            }
        }
        // sum of lanes of lo + hi, minus lanes 0-7 of mins, written out: past the inlining cutoff a call
        // to a helper here boxed the accumulators on every pass of the loop
        FloatVector v = lo.add(hi);
        v = v.add(v.rearrange(Ggml.FOLD8));
        v = v.add(v.rearrange(Ggml.FOLD4));
        v = v.add(v.rearrange(Ggml.FOLD2));
        v = v.add(v.rearrange(Ggml.FOLD1));
        mins = mins.add(mins.rearrange(Ggml.FOLD4));
        mins = mins.add(mins.rearrange(Ggml.FOLD2));
        mins = mins.add(mins.rearrange(Ggml.FOLD1));
        return v.lane(0) - mins.lane(0);
    }

    @Override
    public boolean dotsFourInRegisters() {
        return WIDE;
    }

    /**
     * dot1 for four vectors at once: each nibble is looked up once, in registers, and met by the four x; every
     * vector's accumulators take exactly dot1's operations in dot1's order, so each result is bit for bit
     * dot1's. Replaces prepared rows for Q4_K batches (decoding here costs less than loading a prepared row
     * back from cache).
     */
    @Override
    public void dot4(MemorySegment w, long offset, float[] x, int xOffset, int xStride, float[] form, int fOff,
            int fStride, int n, float[] y, int yOffset, int yStride) {
        KQuants.checkBlocks(n);
        if (!WIDE) {
            TensorFormat.super.dot4(w, offset, x, xOffset, xStride, form, fOff, fStride, n, y, yOffset, yStride);
            return;
        }
        FloatVector lo0 = FloatVector.zero(F);
        FloatVector hi0 = FloatVector.zero(F);
        FloatVector lo1 = FloatVector.zero(F);
        FloatVector hi1 = FloatVector.zero(F);
        FloatVector lo2 = FloatVector.zero(F);
        FloatVector hi2 = FloatVector.zero(F);
        FloatVector lo3 = FloatVector.zero(F);
        FloatVector hi3 = FloatVector.zero(F);
        FloatVector mins0 = FloatVector.zero(F);
        FloatVector mins1 = FloatVector.zero(F);
        FloatVector mins2 = FloatVector.zero(F);
        FloatVector mins3 = FloatVector.zero(F);
        int a0 = fOff;
        int a1 = fOff + fStride;
        int a2 = fOff + 2 * fStride;
        int a3 = fOff + 3 * fStride;
        for (int b = 0; b < n / QK_K; b++) {
            long bo = offset + (long) b * BLOCK_BYTES;
            long s8 = w.get(KQuants.LONG, bo + SCALES);
            int u2 = w.get(KQuants.INT, bo + SCALES + 8);
            long scales = scales8((int) s8, u2);
            long mns = mins8((int) (s8 >>> 32), u2);
            FloatVector mv = (FloatVector) LongVector.broadcast(LongVector.SPECIES_128, mns).reinterpretAsBytes()
                    .convertShape(ZERO_EXTEND_B2I, KQuants.I, 0).convert(I2F, 0);
            FloatVector dmin = FloatVector.broadcast(F, Float.float16ToFloat(w.get(KQuants.F16, bo + 2)));
            int sb = n + 8 * b;
            mins0 = mv.mul(FloatVector.fromArray(F, form, a0 + sb)).fma(dmin, mins0);
            mins1 = mv.mul(FloatVector.fromArray(F, form, a1 + sb)).fma(dmin, mins1);
            mins2 = mv.mul(FloatVector.fromArray(F, form, a2 + sb)).fma(dmin, mins2);
            mins3 = mv.mul(FloatVector.fromArray(F, form, a3 + sb)).fma(dmin, mins3);
            FloatVector sv = ((FloatVector) LongVector.broadcast(LongVector.SPECIES_128, scales).reinterpretAsBytes()
                    .convertShape(ZERO_EXTEND_B2I, KQuants.I, 0).convert(I2F, 0))
                    .mul(Float.float16ToFloat(w.get(KQuants.F16, bo)));
            // a loop over the two 128-value groups (written out, the method passed C2's inlining budget and
            // its vectors were boxed: 60x slower); the scales move four lanes on for the second group
            for (int g = 0; g < 2; g++) {
                IntVector q = IntVector.fromMemorySegment(KQuants.I, w, bo + QS + 64 * g, KQuants.LE);
                int xb = b * QK_K + 128 * g;
                FloatVector f = ((FloatVector) q.and(15).convert(I2F, 0));
                FloatVector l0 = f.mul(FloatVector.fromArray(F, form, a0 + xb));
                FloatVector l1 = f.mul(FloatVector.fromArray(F, form, a1 + xb));
                FloatVector l2 = f.mul(FloatVector.fromArray(F, form, a2 + xb));
                FloatVector l3 = f.mul(FloatVector.fromArray(F, form, a3 + xb));
                f = ((FloatVector) q.and(0xf0).convert(I2F, 0));
                FloatVector h0 = f.mul(FloatVector.fromArray(F, form, a0 + xb + 16));
                FloatVector h1 = f.mul(FloatVector.fromArray(F, form, a1 + xb + 16));
                FloatVector h2 = f.mul(FloatVector.fromArray(F, form, a2 + xb + 16));
                FloatVector h3 = f.mul(FloatVector.fromArray(F, form, a3 + xb + 16));
                f = ((FloatVector) q.and(0xf00).convert(I2F, 0));
                l0 = f.fma(FloatVector.fromArray(F, form, a0 + xb + 32), l0);
                l1 = f.fma(FloatVector.fromArray(F, form, a1 + xb + 32), l1);
                l2 = f.fma(FloatVector.fromArray(F, form, a2 + xb + 32), l2);
                l3 = f.fma(FloatVector.fromArray(F, form, a3 + xb + 32), l3);
                f = ((FloatVector) q.and(0xf000).convert(I2F, 0));
                h0 = f.fma(FloatVector.fromArray(F, form, a0 + xb + 48), h0);
                h1 = f.fma(FloatVector.fromArray(F, form, a1 + xb + 48), h1);
                h2 = f.fma(FloatVector.fromArray(F, form, a2 + xb + 48), h2);
                h3 = f.fma(FloatVector.fromArray(F, form, a3 + xb + 48), h3);
                f = ((FloatVector) q.and(0xf0000).convert(I2F, 0));
                l0 = f.fma(FloatVector.fromArray(F, form, a0 + xb + 64), l0);
                l1 = f.fma(FloatVector.fromArray(F, form, a1 + xb + 64), l1);
                l2 = f.fma(FloatVector.fromArray(F, form, a2 + xb + 64), l2);
                l3 = f.fma(FloatVector.fromArray(F, form, a3 + xb + 64), l3);
                f = ((FloatVector) q.and(0xf00000).convert(I2F, 0));
                h0 = f.fma(FloatVector.fromArray(F, form, a0 + xb + 80), h0);
                h1 = f.fma(FloatVector.fromArray(F, form, a1 + xb + 80), h1);
                h2 = f.fma(FloatVector.fromArray(F, form, a2 + xb + 80), h2);
                h3 = f.fma(FloatVector.fromArray(F, form, a3 + xb + 80), h3);
                f = ((FloatVector) q.and(0xf000000).convert(I2F, 0));
                l0 = f.fma(FloatVector.fromArray(F, form, a0 + xb + 96), l0);
                l1 = f.fma(FloatVector.fromArray(F, form, a1 + xb + 96), l1);
                l2 = f.fma(FloatVector.fromArray(F, form, a2 + xb + 96), l2);
                l3 = f.fma(FloatVector.fromArray(F, form, a3 + xb + 96), l3);
                f = ((FloatVector) q.lanewise(LSHR, 28).convert(I2F, 0));
                h0 = f.fma(FloatVector.fromArray(F, form, a0 + xb + 112), h0);
                h1 = f.fma(FloatVector.fromArray(F, form, a1 + xb + 112), h1);
                h2 = f.fma(FloatVector.fromArray(F, form, a2 + xb + 112), h2);
                h3 = f.fma(FloatVector.fromArray(F, form, a3 + xb + 112), h3);
                FloatVector sl = sv.rearrange(LOW0);
                FloatVector sh = sv.rearrange(HIGH0);
                sv = sv.rearrange(NEXT4);
                lo0 = l0.fma(sl, lo0);
                hi0 = h0.fma(sh, hi0);
                lo1 = l1.fma(sl, lo1);
                hi1 = h1.fma(sh, hi1);
                lo2 = l2.fma(sl, lo2);
                hi2 = h2.fma(sh, hi2);
                lo3 = l3.fma(sl, lo3);
                hi3 = h3.fma(sh, hi3);
            }
        }
        // dot1's final sums per vector, written out (calls past the inlining cutoff box)
        FloatVector v0 = lo0.add(hi0);
        FloatVector v1 = lo1.add(hi1);
        FloatVector v2 = lo2.add(hi2);
        FloatVector v3 = lo3.add(hi3);
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
        mins0 = mins0.add(mins0.rearrange(Ggml.FOLD4));
        mins1 = mins1.add(mins1.rearrange(Ggml.FOLD4));
        mins2 = mins2.add(mins2.rearrange(Ggml.FOLD4));
        mins3 = mins3.add(mins3.rearrange(Ggml.FOLD4));
        mins0 = mins0.add(mins0.rearrange(Ggml.FOLD2));
        mins1 = mins1.add(mins1.rearrange(Ggml.FOLD2));
        mins2 = mins2.add(mins2.rearrange(Ggml.FOLD2));
        mins3 = mins3.add(mins3.rearrange(Ggml.FOLD2));
        mins0 = mins0.add(mins0.rearrange(Ggml.FOLD1));
        mins1 = mins1.add(mins1.rearrange(Ggml.FOLD1));
        mins2 = mins2.add(mins2.rearrange(Ggml.FOLD1));
        mins3 = mins3.add(mins3.rearrange(Ggml.FOLD1));
        y[yOffset] = v0.lane(0) - mins0.lane(0);
        y[yOffset + yStride] = v1.lane(0) - mins1.lane(0);
        y[yOffset + 2 * yStride] = v2.lane(0) - mins2.lane(0);
        y[yOffset + 3 * yStride] = v3.lane(0) - mins3.lane(0);
    }

    /**
     * For 256-bit vectors (the wide kernels below assume 16 float lanes). Each weight becomes d*sc*q - dmin*m by one FMA and meets x in a second. The four 64-value
     * chunks are written out rather than looped over: C2 compiled a k loop, with its scale
     * unpacking, 1.5x slower, and a helper method per chunk is not reliably inlined (vectors crossing
     * a call that is not inlined are boxed). Four accumulators keep the FMA chains independent.
     */
    private static float dotNarrow(MemorySegment w, long offset, float[] x, int xOffset, int n) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        FloatVector a2 = FloatVector.zero(F);
        FloatVector a3 = FloatVector.zero(F);
        for (int b = 0; b < n / QK_K; b++) {
            long bo = offset + (long) b * BLOCK_BYTES;
            float d = f16(w, bo);
            float negMin = -f16(w, bo + 2);
            // scales bytes 0-3: 6-bit scales 0-3 and the top bits of scales 4-7; bytes 4-7 the same for
            // mins; bytes 8-11: low nibbles of scales 4-7 and high nibbles of mins 4-7 (get_scale_min_k4)
            long s8 = w.get(KQuants.LONG, bo + SCALES);
            int sc = (int) s8;
            int mn = (int) (s8 >>> 32);
            int hi = w.get(KQuants.INT, bo + SCALES + 8);
            int xb = xOffset + b * QK_K;
            long q = bo + QS;
            {
                FloatVector dLo = FloatVector.broadcast(F, d * (sc & 63));
                FloatVector mLo = FloatVector.broadcast(F, negMin * (mn & 63));
                FloatVector dHi = FloatVector.broadcast(F, d * ((sc >>> 8) & 63));
                FloatVector mHi = FloatVector.broadcast(F, negMin * ((mn >>> 8) & 63));
                for (int h = 0; h < 32; h += L) {
                    IntVector v = (IntVector) ByteVector.fromMemorySegment(KQuants.B, w, q + h, KQuants.LE)
                            .convertShape(ZERO_EXTEND_B2I, KQuants.I, 0);
                    a0 = ((FloatVector) v.and(0xF).convert(I2F, 0)).fma(dLo, mLo)
                            .fma(FloatVector.fromArray(F, x, xb + h), a0);
                    a0 = ((FloatVector) v.lanewise(LSHR, 4).convert(I2F, 0)).fma(dHi, mHi)
                            .fma(FloatVector.fromArray(F, x, xb + 32 + h), a0);
                }
            }
            {
                FloatVector dLo = FloatVector.broadcast(F, d * ((sc >>> 16) & 63));
                FloatVector mLo = FloatVector.broadcast(F, negMin * ((mn >>> 16) & 63));
                FloatVector dHi = FloatVector.broadcast(F, d * ((sc >>> 24) & 63));
                FloatVector mHi = FloatVector.broadcast(F, negMin * ((mn >>> 24) & 63));
                for (int h = 0; h < 32; h += L) {
                    IntVector v = (IntVector) ByteVector.fromMemorySegment(KQuants.B, w, q + 32 + h, KQuants.LE)
                            .convertShape(ZERO_EXTEND_B2I, KQuants.I, 0);
                    a1 = ((FloatVector) v.and(0xF).convert(I2F, 0)).fma(dLo, mLo)
                            .fma(FloatVector.fromArray(F, x, xb + 64 + h), a1);
                    a1 = ((FloatVector) v.lanewise(LSHR, 4).convert(I2F, 0)).fma(dHi, mHi)
                            .fma(FloatVector.fromArray(F, x, xb + 96 + h), a1);
                }
            }
            {
                FloatVector dLo = FloatVector.broadcast(F, d * ((hi & 0xF) | ((sc >>> 6) & 3) << 4));
                FloatVector mLo = FloatVector.broadcast(F, negMin * (((hi >>> 4) & 0xF) | ((mn >>> 6) & 3) << 4));
                FloatVector dHi = FloatVector.broadcast(F, d * (((hi >>> 8) & 0xF) | ((sc >>> 14) & 3) << 4));
                FloatVector mHi = FloatVector.broadcast(F, negMin * (((hi >>> 12) & 0xF) | ((mn >>> 14) & 3) << 4));
                for (int h = 0; h < 32; h += L) {
                    IntVector v = (IntVector) ByteVector.fromMemorySegment(KQuants.B, w, q + 64 + h, KQuants.LE)
                            .convertShape(ZERO_EXTEND_B2I, KQuants.I, 0);
                    a2 = ((FloatVector) v.and(0xF).convert(I2F, 0)).fma(dLo, mLo)
                            .fma(FloatVector.fromArray(F, x, xb + 128 + h), a2);
                    a2 = ((FloatVector) v.lanewise(LSHR, 4).convert(I2F, 0)).fma(dHi, mHi)
                            .fma(FloatVector.fromArray(F, x, xb + 160 + h), a2);
                }
            }
            {
                FloatVector dLo = FloatVector.broadcast(F, d * (((hi >>> 16) & 0xF) | ((sc >>> 22) & 3) << 4));
                FloatVector mLo = FloatVector.broadcast(F, negMin * (((hi >>> 20) & 0xF) | ((mn >>> 22) & 3) << 4));
                FloatVector dHi = FloatVector.broadcast(F, d * (((hi >>> 24) & 0xF) | ((sc >>> 30) & 3) << 4));
                FloatVector mHi = FloatVector.broadcast(F, negMin * (((hi >>> 28) & 0xF) | ((mn >>> 30) & 3) << 4));
                for (int h = 0; h < 32; h += L) {
                    IntVector v = (IntVector) ByteVector.fromMemorySegment(KQuants.B, w, q + 96 + h, KQuants.LE)
                            .convertShape(ZERO_EXTEND_B2I, KQuants.I, 0);
                    a3 = ((FloatVector) v.and(0xF).convert(I2F, 0)).fma(dLo, mLo)
                            .fma(FloatVector.fromArray(F, x, xb + 192 + h), a3);
                    a3 = ((FloatVector) v.lanewise(LSHR, 4).convert(I2F, 0)).fma(dHi, mHi)
                            .fma(FloatVector.fromArray(F, x, xb + 224 + h), a3);
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
        int[] laux = new int[32];
        float[] weights = new float[32];
        float[] mins = new float[8];
        float[] scales = new float[8];
        byte[] block = new byte[BLOCK_BYTES];
        byte[] packed = new byte[12];
        for (int b = 0; b < n / QK_K; b++) {
            int xb = srcOffset + b * QK_K;
            float maxScale = 0;
            float maxMin = 0;
            for (int j = 0; j < 8; ++j) {
                int xj = xb + 32 * j;
                float sumX2 = 0;
                for (int l = 0; l < 32; ++l) {
                    sumX2 += src[xj + l] * src[xj + l];
                }
                float avX = (float) Math.sqrt(sumX2 / 32);
                for (int l = 0; l < 32; ++l) {
                    weights[l] = avX + Math.abs(src[xj + l]);
                }
                scales[j] = KQuants.makeQkx2Quants(32, 15, src, xj, weights, levels, 32 * j, mins, j, laux,
                        -1.f, 0.1f, 20, false);
                if (scales[j] > maxScale) {
                    maxScale = scales[j];
                }
                if (mins[j] > maxMin) {
                    maxMin = mins[j];
                }
            }
            KQuants.packScalesMinsK4(scales, mins, maxScale, maxMin, packed);
            short dBits = Float.floatToFloat16(maxScale / 63.f);
            short dminBits = Float.floatToFloat16(maxMin / 63.f);
            for (int j = 0; j < 8; ++j) {
                float d = Float.float16ToFloat(dBits) * KQuants.scaleK4(packed, j);
                if (d == 0) {
                    continue;
                }
                float dm = Float.float16ToFloat(dminBits) * KQuants.minK4(packed, j);
                for (int ii = 0; ii < 32; ++ii) {
                    levels[32 * j + ii] = Math.max(0, Math.min(15, nearestInt((src[xb + 32 * j + ii] + dm) / d)));
                }
            }
            block[0] = (byte) dBits;
            block[1] = (byte) (dBits >> 8);
            block[2] = (byte) dminBits;
            block[3] = (byte) (dminBits >> 8);
            System.arraycopy(packed, 0, block, SCALES, 12);
            for (int j = 0, q = QS; j < QK_K; j += 64, q += 32) {
                for (int l = 0; l < 32; ++l) {
                    block[q + l] = (byte) (levels[j + l] | (levels[j + l + 32] << 4));
                }
            }
            MemorySegment.copy(block, 0, dst, KQuants.BYTE, offset + (long) b * BLOCK_BYTES, BLOCK_BYTES);
        }
    }
}
