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
 * Q2_K: super-blocks of 256 values in 16 sub-blocks of 16, x = d*sc*q - dmin*m with 2-bit q and 4-bit
 * sc, m. Block (84 bytes): 16 bytes of scales (sc low nibble, m high), 64 bytes of 2-bit pairs,
 * f16 d, f16 dmin. In half n, value 32j+l takes bits 2j..2j+1 of qs[32n+l].
 */
final class Q2_KFormat implements TensorFormat {

    private static final int BLOCK_BYTES = 84;
    private static final int QS = 16;
    private static final int D = 80;

    @Override
    public GgmlType type() {
        return GgmlType.Q2_K;
    }

    @Override
    public void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        KQuants.checkBlocks(n);
        for (int b = 0; b < n / QK_K; b++) {
            long bo = offset + (long) b * BLOCK_BYTES;
            float d = f16(src, bo + D);
            float min = f16(src, bo + D + 2);
            for (int half = 0; half < 2; half++) {
                long q = bo + QS + 32L * half;
                for (int j = 0; j < 4; ++j) {
                    int y = dstOffset + b * QK_K + 128 * half + 32 * j;
                    for (int l = 0; l < 32; ++l) {
                        int sc = KQuants.u8(src, bo + 8 * half + 2 * j + l / 16);
                        float dl = d * (sc & 0xF);
                        float ml = min * (sc >> 4);
                        dst[y + l] = dl * ((KQuants.u8(src, q + l) >> (2 * j)) & 3) - ml;
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

    /**
     * In half n, value 32j+l is (qs >> 2j) & 3 of sub-block 8n+2j+l/16: one FMA makes d*sc*q - dmin*m,
     * a second meets x. The halves are written out (see Q4_KFormat).
     */
    private static float dotVector(MemorySegment w, long offset, float[] x, int xOffset, int n) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        FloatVector a2 = FloatVector.zero(F);
        FloatVector a3 = FloatVector.zero(F);
        for (int b = 0; b < n / QK_K; b++) {
            long bo = offset + (long) b * BLOCK_BYTES;
            float d = f16(w, bo + D);
            float negMin = -f16(w, bo + D + 2);
            int xb = xOffset + b * QK_K;
            long s0 = w.get(KQuants.LONG, bo);
            for (int h = 0; h < 32; h += L) {
                IntVector qv = (IntVector) ByteVector.fromMemorySegment(KQuants.B, w, bo + QS + h, KQuants.LE)
                        .convertShape(ZERO_EXTEND_B2I, KQuants.I, 0);
                int sc0 = (int) (s0 >>> (8 * (h / 16))) & 0xFF;
                a0 = ((FloatVector) qv.and(3).convert(I2F, 0))
                        .fma(FloatVector.broadcast(F, d * (sc0 & 0xF)), FloatVector.broadcast(F, negMin * (sc0 >> 4)))
                        .fma(FloatVector.fromArray(F, x, xb + h), a0);
                int sc1 = (int) (s0 >>> (8 * (2 + h / 16))) & 0xFF;
                a1 = ((FloatVector) qv.lanewise(LSHR, 2).and(3).convert(I2F, 0))
                        .fma(FloatVector.broadcast(F, d * (sc1 & 0xF)), FloatVector.broadcast(F, negMin * (sc1 >> 4)))
                        .fma(FloatVector.fromArray(F, x, xb + 32 + h), a1);
                int sc2 = (int) (s0 >>> (8 * (4 + h / 16))) & 0xFF;
                a2 = ((FloatVector) qv.lanewise(LSHR, 4).and(3).convert(I2F, 0))
                        .fma(FloatVector.broadcast(F, d * (sc2 & 0xF)), FloatVector.broadcast(F, negMin * (sc2 >> 4)))
                        .fma(FloatVector.fromArray(F, x, xb + 64 + h), a2);
                int sc3 = (int) (s0 >>> (8 * (6 + h / 16))) & 0xFF;
                a3 = ((FloatVector) qv.lanewise(LSHR, 6).and(3).convert(I2F, 0))
                        .fma(FloatVector.broadcast(F, d * (sc3 & 0xF)), FloatVector.broadcast(F, negMin * (sc3 >> 4)))
                        .fma(FloatVector.fromArray(F, x, xb + 96 + h), a3);
            }
            long s1 = w.get(KQuants.LONG, bo + 8);
            for (int h = 0; h < 32; h += L) {
                IntVector qv = (IntVector) ByteVector.fromMemorySegment(KQuants.B, w, bo + QS + 32 + h, KQuants.LE)
                        .convertShape(ZERO_EXTEND_B2I, KQuants.I, 0);
                int sc0 = (int) (s1 >>> (8 * (h / 16))) & 0xFF;
                a0 = ((FloatVector) qv.and(3).convert(I2F, 0))
                        .fma(FloatVector.broadcast(F, d * (sc0 & 0xF)), FloatVector.broadcast(F, negMin * (sc0 >> 4)))
                        .fma(FloatVector.fromArray(F, x, xb + 128 + h), a0);
                int sc1 = (int) (s1 >>> (8 * (2 + h / 16))) & 0xFF;
                a1 = ((FloatVector) qv.lanewise(LSHR, 2).and(3).convert(I2F, 0))
                        .fma(FloatVector.broadcast(F, d * (sc1 & 0xF)), FloatVector.broadcast(F, negMin * (sc1 >> 4)))
                        .fma(FloatVector.fromArray(F, x, xb + 160 + h), a1);
                int sc2 = (int) (s1 >>> (8 * (4 + h / 16))) & 0xFF;
                a2 = ((FloatVector) qv.lanewise(LSHR, 4).and(3).convert(I2F, 0))
                        .fma(FloatVector.broadcast(F, d * (sc2 & 0xF)), FloatVector.broadcast(F, negMin * (sc2 >> 4)))
                        .fma(FloatVector.fromArray(F, x, xb + 192 + h), a2);
                int sc3 = (int) (s1 >>> (8 * (6 + h / 16))) & 0xFF;
                a3 = ((FloatVector) qv.lanewise(LSHR, 6).and(3).convert(I2F, 0))
                        .fma(FloatVector.broadcast(F, d * (sc3 & 0xF)), FloatVector.broadcast(F, negMin * (sc3 >> 4)))
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
        int[] laux = new int[16];
        float[] weights = new float[16];
        float[] mins = new float[16];
        float[] scales = new float[16];
        byte[] block = new byte[BLOCK_BYTES];
        final float q4scale = 15.f;
        for (int b = 0; b < n / QK_K; b++) {
            int xb = srcOffset + b * QK_K;
            float maxScale = 0;
            float maxMin = 0;
            for (int j = 0; j < 16; ++j) {
                for (int l = 0; l < 16; ++l) {
                    weights[l] = Math.abs(src[xb + 16 * j + l]);
                }
                scales[j] = KQuants.makeQkx2Quants(16, 3, src, xb + 16 * j, weights, levels, 16 * j, mins, j, laux,
                        -0.5f, 0.1f, 15, true);
                if (scales[j] > maxScale) {
                    maxScale = scales[j];
                }
                if (mins[j] > maxMin) {
                    maxMin = mins[j];
                }
            }
            short dBits;
            short dminBits;
            if (maxScale > 0) {
                float iscale = q4scale / maxScale;
                for (int j = 0; j < 16; ++j) {
                    block[j] = (byte) nearestInt(iscale * scales[j]);
                }
                dBits = Float.floatToFloat16(maxScale / q4scale);
            } else {
                java.util.Arrays.fill(block, 0, 16, (byte) 0);
                dBits = Float.floatToFloat16(0.f);
            }
            if (maxMin > 0) {
                float iscale = q4scale / maxMin;
                for (int j = 0; j < 16; ++j) {
                    block[j] |= (byte) (nearestInt(iscale * mins[j]) << 4);
                }
                dminBits = Float.floatToFloat16(maxMin / q4scale);
            } else {
                dminBits = Float.floatToFloat16(0.f);
            }
            for (int j = 0; j < 16; ++j) {
                float d = Float.float16ToFloat(dBits) * (block[j] & 0xF);
                if (d == 0) {
                    continue;
                }
                float dm = Float.float16ToFloat(dminBits) * ((block[j] & 0xFF) >> 4);
                for (int ii = 0; ii < 16; ++ii) {
                    int l = nearestInt((src[xb + 16 * j + ii] + dm) / d);
                    levels[16 * j + ii] = Math.max(0, Math.min(3, l));
                }
            }
            KQuants.pack2Bits(levels, block, QS);
            block[D] = (byte) dBits;
            block[D + 1] = (byte) (dBits >> 8);
            block[D + 2] = (byte) dminBits;
            block[D + 3] = (byte) (dminBits >> 8);
            MemorySegment.copy(block, 0, dst, KQuants.BYTE, offset + (long) b * BLOCK_BYTES, BLOCK_BYTES);
        }
    }
}
