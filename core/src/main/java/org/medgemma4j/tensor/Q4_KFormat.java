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
import jdk.incubator.vector.VectorOperators;

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
        return KQuants.VECTOR ? dotVector(w, offset, x, xOffset, n)
                : KQuants.dotByDequantizing(this, w, offset, x, xOffset, n);
    }

    /**
     * Each weight becomes d*sc*q - dmin*m by one FMA and meets x in a second. The four 64-value
     * chunks are written out rather than looped over: C2 compiled a k loop, with its scale
     * unpacking, 1.5x slower, and a helper method per chunk is not reliably inlined (vectors crossing
     * a call that is not inlined are boxed). Four accumulators keep the FMA chains independent.
     */
    private static float dotVector(MemorySegment w, long offset, float[] x, int xOffset, int n) {
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
