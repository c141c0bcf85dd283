package org.medgemma4j.tensor;

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

/**
 * Q3_K: super-blocks of 256 values in 16 sub-blocks of 16, x = d*(sc-32)*(q-4) with 3-bit q and 6-bit
 * sc. Block (110 bytes): 32 bytes of high bits, 64 bytes of 2-bit pairs, 12 bytes of packed scales,
 * f16 d. In half n, value 32j+l takes bits 2j..2j+1 of qs[32n+l] and bit 4n+j of hmask[l].
 */
final class Q3_KFormat implements TensorFormat {

    private static final int BLOCK_BYTES = 110;
    private static final int QS = 32;
    private static final int SCALES = 96;
    private static final int D = 108;

    @Override
    public GgmlType type() {
        return GgmlType.Q3_K;
    }

    /** The 16 scales of a block, unpacked from 12 bytes as 4 low bits plus 2 high bits, minus 32. */
    private static void scales(MemorySegment s, long offset, int[] out) {
        for (int j = 0; j < 16; j++) {
            int lo = j < 8 ? KQuants.u8(s, offset + j) & 0xF : KQuants.u8(s, offset + j - 8) >> 4;
            int hi = (KQuants.u8(s, offset + 8 + j % 4) >> (2 * (j / 4))) & 3;
            out[j] = (lo | (hi << 4)) - 32;
        }
    }

    @Override
    public void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        KQuants.checkBlocks(n);
        int[] sc = new int[16];
        for (int b = 0; b < n / QK_K; b++) {
            long bo = offset + (long) b * BLOCK_BYTES;
            float dAll = f16(src, bo + D);
            scales(src, bo + SCALES, sc);
            for (int half = 0; half < 2; half++) {
                long q = bo + QS + 32L * half;
                for (int j = 0; j < 4; ++j) {
                    int shift = 2 * j;
                    int m = 1 << (4 * half + j);
                    int y = dstOffset + b * QK_K + 128 * half + 32 * j;
                    for (int l = 0; l < 32; ++l) {
                        float dl = dAll * sc[8 * half + 2 * j + l / 16];
                        int v = ((KQuants.u8(src, q + l) >> shift) & 3) - ((KQuants.u8(src, bo + l) & m) != 0 ? 0 : 4);
                        dst[y + l] = dl * v;
                    }
                }
            }
        }
    }

    @Override
    public float dot(MemorySegment w, long offset, float[] x, int xOffset, int n) {
        KQuants.checkBlocks(n);
        return KQuants.VECTOR ? dotVector(w, offset, x, xOffset, n)
                : KQuants.dotByDequantizing(this, w, offset, x, xOffset, n);
    }

    /** The 6-bit scale of sub-block j (0..15) minus 32, from the 12 scale bytes read as a long and an int. */
    private static int scale(long s8, int s4, int j) {
        int lo = (int) (s8 >>> (8 * (j & 7) + 4 * (j >> 3))) & 0xF;
        int hi = (s4 >>> (8 * (j & 3) + 2 * (j >> 2))) & 3;
        return (lo | (hi << 4)) - 32;
    }

    /**
     * In half n, value 32j+l is ((qs >> 2j) & 3 | hmask bit 4n+j << 2) - 4: one FMA makes
     * d*sc*(v-4), a second meets x. The halves are written out (see Q4_KFormat).
     */
    private static float dotVector(MemorySegment w, long offset, float[] x, int xOffset, int n) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        FloatVector a2 = FloatVector.zero(F);
        FloatVector a3 = FloatVector.zero(F);
        float[] ds = new float[16];
        for (int b = 0; b < n / QK_K; b++) {
            long bo = offset + (long) b * BLOCK_BYTES;
            float d = f16(w, bo + D);
            long s8 = w.get(KQuants.LONG, bo + SCALES);
            int s4 = w.get(KQuants.INT, bo + SCALES + 8);
            for (int j = 0; j < 16; j++) {
                ds[j] = d * scale(s8, s4, j);
            }
            int xb = xOffset + b * QK_K;
            for (int h = 0; h < 32; h += L) {
                IntVector qv = (IntVector) ByteVector.fromMemorySegment(KQuants.B, w, bo + QS + h, KQuants.LE)
                        .convertShape(ZERO_EXTEND_B2I, KQuants.I, 0);
                IntVector hm = (IntVector) ByteVector.fromMemorySegment(KQuants.B, w, bo + h, KQuants.LE)
                        .convertShape(ZERO_EXTEND_B2I, KQuants.I, 0);
                float d0 = ds[h / 16];
                a0 = ((FloatVector) qv.and(3).or(hm.lanewise(LSHL, 2).and(4)).convert(I2F, 0))
                        .fma(FloatVector.broadcast(F, d0), FloatVector.broadcast(F, -4 * d0))
                        .fma(FloatVector.fromArray(F, x, xb + h), a0);
                float d1 = ds[2 + h / 16];
                a1 = ((FloatVector) qv.lanewise(LSHR, 2).and(3).or(hm.lanewise(LSHL, 1).and(4)).convert(I2F, 0))
                        .fma(FloatVector.broadcast(F, d1), FloatVector.broadcast(F, -4 * d1))
                        .fma(FloatVector.fromArray(F, x, xb + 32 + h), a1);
                float d2 = ds[4 + h / 16];
                a2 = ((FloatVector) qv.lanewise(LSHR, 4).and(3).or(hm.and(4)).convert(I2F, 0))
                        .fma(FloatVector.broadcast(F, d2), FloatVector.broadcast(F, -4 * d2))
                        .fma(FloatVector.fromArray(F, x, xb + 64 + h), a2);
                float d3 = ds[6 + h / 16];
                a3 = ((FloatVector) qv.lanewise(LSHR, 6).and(3).or(hm.lanewise(LSHR, 1).and(4)).convert(I2F, 0))
                        .fma(FloatVector.broadcast(F, d3), FloatVector.broadcast(F, -4 * d3))
                        .fma(FloatVector.fromArray(F, x, xb + 96 + h), a3);
            }
            for (int h = 0; h < 32; h += L) {
                IntVector qv = (IntVector) ByteVector.fromMemorySegment(KQuants.B, w, bo + QS + 32 + h, KQuants.LE)
                        .convertShape(ZERO_EXTEND_B2I, KQuants.I, 0);
                IntVector hm = (IntVector) ByteVector.fromMemorySegment(KQuants.B, w, bo + h, KQuants.LE)
                        .convertShape(ZERO_EXTEND_B2I, KQuants.I, 0);
                float d0 = ds[8 + h / 16];
                a0 = ((FloatVector) qv.and(3).or(hm.lanewise(LSHR, 2).and(4)).convert(I2F, 0))
                        .fma(FloatVector.broadcast(F, d0), FloatVector.broadcast(F, -4 * d0))
                        .fma(FloatVector.fromArray(F, x, xb + 128 + h), a0);
                float d1 = ds[10 + h / 16];
                a1 = ((FloatVector) qv.lanewise(LSHR, 2).and(3).or(hm.lanewise(LSHR, 3).and(4)).convert(I2F, 0))
                        .fma(FloatVector.broadcast(F, d1), FloatVector.broadcast(F, -4 * d1))
                        .fma(FloatVector.fromArray(F, x, xb + 160 + h), a1);
                float d2 = ds[12 + h / 16];
                a2 = ((FloatVector) qv.lanewise(LSHR, 4).and(3).or(hm.lanewise(LSHR, 4).and(4)).convert(I2F, 0))
                        .fma(FloatVector.broadcast(F, d2), FloatVector.broadcast(F, -4 * d2))
                        .fma(FloatVector.fromArray(F, x, xb + 192 + h), a2);
                float d3 = ds[14 + h / 16];
                a3 = ((FloatVector) qv.lanewise(LSHR, 6).and(3).or(hm.lanewise(LSHR, 5).and(4)).convert(I2F, 0))
                        .fma(FloatVector.broadcast(F, d3), FloatVector.broadcast(F, -4 * d3))
                        .fma(FloatVector.fromArray(F, x, xb + 224 + h), a3);
            }
        }
        // Ggml.sum(a0, a1, a2, a3), written out: a call here comes past C2's inlining cutoff and boxes the
        // accumulators on every pass of the loop
        FloatVector v = a0.add(a1).add(a2.add(a3));
        if (L == 16) {
            v = v.add(v.rearrange(Ggml.FOLD8));
        }
        v = v.add(v.rearrange(Ggml.FOLD4));
        v = v.add(v.rearrange(Ggml.FOLD2));
        v = v.add(v.rearrange(Ggml.FOLD1));
        return v.lane(0);
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
            java.util.Arrays.fill(block, (byte) 0);
            float maxScale = 0;
            float amax = 0;
            for (int j = 0; j < 16; ++j) {
                scales[j] = KQuants.makeQ3Quants(16, 4, src, xb + 16 * j, levels, 16 * j);
                float scale = Math.abs(scales[j]);
                if (scale > amax) {
                    amax = scale;
                    maxScale = scales[j];
                }
            }
            short dBits;
            if (maxScale != 0) {
                float iscale = -32.f / maxScale;
                for (int j = 0; j < 16; ++j) {
                    // int8_t truncation first, as in C
                    int l = (byte) nearestInt(iscale * scales[j]);
                    l = Math.max(-32, Math.min(31, l)) + 32;
                    if (j < 8) {
                        block[SCALES + j] = (byte) (l & 0xF);
                    } else {
                        block[SCALES + j - 8] |= (byte) ((l & 0xF) << 4);
                    }
                    l >>= 4;
                    block[SCALES + 8 + j % 4] |= (byte) (l << (2 * (j / 4)));
                }
                dBits = Float.floatToFloat16(1 / iscale);
            } else {
                dBits = Float.floatToFloat16(0.f);
            }
            for (int j = 0; j < 16; ++j) {
                int lo = j < 8 ? block[SCALES + j] & 0xF : (block[SCALES + j - 8] & 0xFF) >> 4;
                int sc = (lo | (((block[SCALES + 8 + j % 4] & 0xFF) >> (2 * (j / 4))) & 3) << 4) - 32;
                float d = Float.float16ToFloat(dBits) * sc;
                if (d == 0) {
                    continue;
                }
                for (int ii = 0; ii < 16; ++ii) {
                    int l = nearestInt(src[xb + 16 * j + ii] / d);
                    levels[16 * j + ii] = Math.max(-4, Math.min(3, l)) + 4;
                }
            }
            // the high bit of value j goes to bit j/32 of hmask[j%32]
            for (int j = 0; j < QK_K; ++j) {
                if (levels[j] > 3) {
                    block[j % 32] |= (byte) (1 << (j / 32));
                    levels[j] -= 4;
                }
            }
            KQuants.pack2Bits(levels, block, QS);
            block[D] = (byte) dBits;
            block[D + 1] = (byte) (dBits >> 8);
            MemorySegment.copy(block, 0, dst, KQuants.BYTE, offset + (long) b * BLOCK_BYTES, BLOCK_BYTES);
        }
    }
}
