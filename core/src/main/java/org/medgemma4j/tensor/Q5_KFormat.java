package org.medgemma4j.tensor;

import static org.medgemma4j.tensor.KQuants.F;
import static org.medgemma4j.tensor.KQuants.L;
import static org.medgemma4j.tensor.KQuants.QK_K;
import static org.medgemma4j.tensor.KQuants.bytesAsInts;
import static org.medgemma4j.tensor.KQuants.f16;
import static org.medgemma4j.tensor.KQuants.nearestInt;

import java.lang.foreign.MemorySegment;
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
        return KQuants.VECTOR ? dotVector(w, offset, x, xOffset, n) : dotScalar(w, offset, x, xOffset, n);
    }

    private float dotScalar(MemorySegment w, long offset, float[] x, int xOffset, int n) {
        float[] tmp = new float[QK_K];
        float sum = 0;
        for (int b = 0; b < n / QK_K; b++) {
            dequantize(w, offset + (long) b * BLOCK_BYTES, tmp, 0, QK_K);
            for (int i = 0; i < QK_K; i++) {
                sum += tmp[i] * x[xOffset + b * QK_K + i];
            }
        }
        return sum;
    }

    /**
     * Per sub-block, sum(q*x) and sum(x) are accumulated separately and scaled once at the end of the
     * sub-block: two vector ops per 16 weights on top of unpacking.
     */
    private static float dotVector(MemorySegment w, long offset, float[] x, int xOffset, int n) {
        FloatVector acc = FloatVector.zero(F);
        FloatVector accMin = FloatVector.zero(F);
        for (int b = 0; b < n / QK_K; b++) {
            long bo = offset + (long) b * BLOCK_BYTES;
            float d = f16(w, bo);
            float dmin = f16(w, bo + 2);
            long s = bo + SCALES;
            for (int k = 0; k < 4; k++) {
                long q = bo + QS + 32L * k;
                int xb = xOffset + b * QK_K + 64 * k;
                FloatVector sumLo = FloatVector.zero(F);
                FloatVector sumHi = FloatVector.zero(F);
                FloatVector xLo = FloatVector.zero(F);
                FloatVector xHi = FloatVector.zero(F);
                for (int h = 0; h < 32; h += L) {
                    IntVector v = bytesAsInts(w, q + h);
                    // bit 2k of qh goes to 16 of the low value, bit 2k+1 to 16 of the high one
                    IntVector hb = bytesAsInts(w, bo + QH + h).lanewise(VectorOperators.LSHR, 2 * k);
                    FloatVector lo = (FloatVector) v.and(0xF).or(hb.and(1).lanewise(VectorOperators.LSHL, 4))
                            .convert(VectorOperators.I2F, 0);
                    FloatVector hi = (FloatVector) v.lanewise(VectorOperators.LSHR, 4)
                            .or(hb.and(2).lanewise(VectorOperators.LSHL, 3)).convert(VectorOperators.I2F, 0);
                    FloatVector x0 = FloatVector.fromArray(F, x, xb + h);
                    FloatVector x1 = FloatVector.fromArray(F, x, xb + 32 + h);
                    sumLo = lo.fma(x0, sumLo);
                    sumHi = hi.fma(x1, sumHi);
                    xLo = xLo.add(x0);
                    xHi = xHi.add(x1);
                }
                // get_scale_min_k4 for sub-blocks 2k and 2k+1
                int scLo;
                int mLo;
                int scHi;
                int mHi;
                if (k < 2) {
                    scLo = KQuants.u8(w, s + 2 * k) & 63;
                    scHi = KQuants.u8(w, s + 2 * k + 1) & 63;
                    mLo = KQuants.u8(w, s + 2 * k + 4) & 63;
                    mHi = KQuants.u8(w, s + 2 * k + 5) & 63;
                } else {
                    int j = 2 * k;
                    int b0 = KQuants.u8(w, s + j + 4);
                    int b1 = KQuants.u8(w, s + j + 5);
                    scLo = (b0 & 0xF) | ((KQuants.u8(w, s + j - 4) >> 6) << 4);
                    scHi = (b1 & 0xF) | ((KQuants.u8(w, s + j - 3) >> 6) << 4);
                    mLo = (b0 >> 4) | ((KQuants.u8(w, s + j) >> 6) << 4);
                    mHi = (b1 >> 4) | ((KQuants.u8(w, s + j + 1) >> 6) << 4);
                }
                acc = sumLo.fma(FloatVector.broadcast(F, d * scLo), acc);
                acc = sumHi.fma(FloatVector.broadcast(F, d * scHi), acc);
                accMin = xLo.fma(FloatVector.broadcast(F, dmin * mLo), accMin);
                accMin = xHi.fma(FloatVector.broadcast(F, dmin * mHi), accMin);
            }
        }
        return Ggml.sum(acc) - Ggml.sum(accMin);
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
