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
 * Q5_K: as Q4_K with a fifth bit, x = d*sc*q - dmin*m with 5-bit q. Block (176 bytes): f16 d, f16 dmin,
 * 12 bytes of packed scales/mins, 32 bytes of high bits (bit 2k+i of qh[l] belongs to value
 * 64k+32i+l), 128 bytes of nibbles laid out as in Q4_K.
 */
final class Q5_KFormat implements TensorFormat {

    private static final int BLOCK_BYTES = 176;
    private static final int SCALES = 4;
    private static final int QH = 16;
    private static final int QS = 48;

    @Override
    public GgmlType type() {
        return GgmlType.Q5_K;
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
                int u1 = 1 << (2 * k);
                int u2 = 2 << (2 * k);
                for (int l = 0; l < 32; ++l) {
                    int h = KQuants.u8(src, bo + QH + l);
                    dst[y + l] = d1 * ((KQuants.u8(src, q + l) & 0xF) + ((h & u1) != 0 ? 16 : 0)) - m1;
                }
                for (int l = 0; l < 32; ++l) {
                    int h = KQuants.u8(src, bo + QH + l);
                    dst[y + 32 + l] = d2 * ((KQuants.u8(src, q + l) >> 4) + ((h & u2) != 0 ? 16 : 0)) - m2;
                }
                y += 64;
            }
        }
    }

    @Override
    public float dot(MemorySegment w, long offset, float[] x, int xOffset, int n) {
        KQuants.checkBlocks(n);
        return KQuants.VECTOR ? dotVector(w, offset, x, xOffset, n)
                : KQuants.dotByDequantizing(this, w, offset, x, xOffset, n);
    }

    /** As Q4_KFormat's kernel, with the fifth bit ORed in from qh before conversion. */
    private static float dotVector(MemorySegment w, long offset, float[] x, int xOffset, int n) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        FloatVector a2 = FloatVector.zero(F);
        FloatVector a3 = FloatVector.zero(F);
        for (int b = 0; b < n / QK_K; b++) {
            long bo = offset + (long) b * BLOCK_BYTES;
            float d = f16(w, bo);
            float negMin = -f16(w, bo + 2);
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
                    IntVector hb = (IntVector) ByteVector.fromMemorySegment(KQuants.B, w, bo + QH + h, KQuants.LE)
                            .convertShape(ZERO_EXTEND_B2I, KQuants.I, 0);
                    // bit 0 of qh is the fifth bit of the low nibble, bit 1 of the high one
                    a0 = ((FloatVector) v.and(0xF).or(hb.lanewise(LSHL, 4).and(16)).convert(I2F, 0))
                            .fma(dLo, mLo).fma(FloatVector.fromArray(F, x, xb + h), a0);
                    a0 = ((FloatVector) v.lanewise(LSHR, 4).or(hb.lanewise(LSHL, 3).and(16)).convert(I2F, 0))
                            .fma(dHi, mHi).fma(FloatVector.fromArray(F, x, xb + 32 + h), a0);
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
                    IntVector hb = (IntVector) ByteVector.fromMemorySegment(KQuants.B, w, bo + QH + h, KQuants.LE)
                            .convertShape(ZERO_EXTEND_B2I, KQuants.I, 0);
                    // bit 2 of qh is the fifth bit of the low nibble, bit 3 of the high one
                    a1 = ((FloatVector) v.and(0xF).or(hb.lanewise(LSHL, 2).and(16)).convert(I2F, 0))
                            .fma(dLo, mLo).fma(FloatVector.fromArray(F, x, xb + 64 + h), a1);
                    a1 = ((FloatVector) v.lanewise(LSHR, 4).or(hb.lanewise(LSHL, 1).and(16)).convert(I2F, 0))
                            .fma(dHi, mHi).fma(FloatVector.fromArray(F, x, xb + 96 + h), a1);
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
                    IntVector hb = (IntVector) ByteVector.fromMemorySegment(KQuants.B, w, bo + QH + h, KQuants.LE)
                            .convertShape(ZERO_EXTEND_B2I, KQuants.I, 0);
                    // bit 4 of qh is the fifth bit of the low nibble, bit 5 of the high one
                    a2 = ((FloatVector) v.and(0xF).or(hb.and(16)).convert(I2F, 0))
                            .fma(dLo, mLo).fma(FloatVector.fromArray(F, x, xb + 128 + h), a2);
                    a2 = ((FloatVector) v.lanewise(LSHR, 4).or(hb.lanewise(LSHR, 1).and(16)).convert(I2F, 0))
                            .fma(dHi, mHi).fma(FloatVector.fromArray(F, x, xb + 160 + h), a2);
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
                    IntVector hb = (IntVector) ByteVector.fromMemorySegment(KQuants.B, w, bo + QH + h, KQuants.LE)
                            .convertShape(ZERO_EXTEND_B2I, KQuants.I, 0);
                    // bit 6 of qh is the fifth bit of the low nibble, bit 7 of the high one
                    a3 = ((FloatVector) v.and(0xF).or(hb.lanewise(LSHR, 2).and(16)).convert(I2F, 0))
                            .fma(dLo, mLo).fma(FloatVector.fromArray(F, x, xb + 192 + h), a3);
                    a3 = ((FloatVector) v.lanewise(LSHR, 4).or(hb.lanewise(LSHR, 3).and(16)).convert(I2F, 0))
                            .fma(dHi, mHi).fma(FloatVector.fromArray(F, x, xb + 224 + h), a3);
                }
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
                scales[j] = KQuants.makeQkx2Quants(32, 31, src, xj, weights, levels, 32 * j, mins, j, laux,
                        -0.5f, 0.1f, 15, false);
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
                    levels[32 * j + ii] = Math.max(0, Math.min(31, nearestInt((src[xb + 32 * j + ii] + dm) / d)));
                }
            }
            block[0] = (byte) dBits;
            block[1] = (byte) (dBits >> 8);
            block[2] = (byte) dminBits;
            block[3] = (byte) (dminBits >> 8);
            System.arraycopy(packed, 0, block, SCALES, 12);
            java.util.Arrays.fill(block, QH, QH + 32, (byte) 0);
            for (int j = 0, q = QS, m1 = 1; j < QK_K; j += 64, q += 32, m1 <<= 2) {
                for (int l = 0; l < 32; ++l) {
                    int l1 = levels[j + l];
                    int l2 = levels[j + l + 32];
                    if (l1 > 15) {
                        l1 -= 16;
                        block[QH + l] |= (byte) m1;
                    }
                    if (l2 > 15) {
                        l2 -= 16;
                        block[QH + l] |= (byte) (m1 << 1);
                    }
                    block[q + l] = (byte) (l1 | (l2 << 4));
                }
            }
            MemorySegment.copy(block, 0, dst, KQuants.BYTE, offset + (long) b * BLOCK_BYTES, BLOCK_BYTES);
        }
    }
}
