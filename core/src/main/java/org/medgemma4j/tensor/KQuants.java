package org.medgemma4j.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * What the K-quant formats share: f16 scales, the packed 6-bit scales of Q4_K/Q5_K, the vector
 * species of the fused dot kernels, and ports of ggml-quants.c's quantization search routines.
 * The ports keep C's float operations and their order: ggml-base is built without FMA contraction
 * or fast-math, so the same IEEE float steps give the same bits.
 */
final class KQuants {

    static final int QK_K = 256;

    // Built once: a layout or species made inside a hot loop slows it by an order of magnitude.
    static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;
    static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    /** Bytes that widen to one float vector: 16 bytes for 512-bit floats. */
    static final VectorSpecies<Byte> B = F.length() >= 8
            ? VectorSpecies.of(byte.class, VectorShape.forBitSize(F.length() * 8))
            : ByteVector.SPECIES_64;
    /** Vector kernels assume 8 or 16 float lanes, so that lanes split the 16- and 32-wide sub-blocks evenly. */
    static final boolean VECTOR = (F.length() == 8 || F.length() == 16) && I.length() == F.length();
    static final int L = F.length();

    private KQuants() {
    }

    /** ggml's GROUP_MAX_EPS: groups whose largest magnitude is below it are all zero. */
    static final float GROUP_MAX_EPS = 1e-15f;

    static float f16(MemorySegment s, long offset) {
        return Float.float16ToFloat(s.get(F16, offset));
    }

    static int u8(MemorySegment s, long offset) {
        return s.get(BYTE, offset) & 0xFF;
    }

    /** ggml's nearest_int: round half to even through the 1.5 * 2^23 float trick (|f| &lt;= 2^22). */
    static int nearestInt(float f) {
        float v = f + 12582912.f;
        return (Float.floatToRawIntBits(v) & 0x007fffff) - 0x00400000;
    }

    /** get_scale_min_k4: the 6-bit scale of sub-block j from the 12 packed bytes at {@code q}. */
    static int scaleK4(byte[] q, int j) {
        return j < 4 ? q[j] & 63 : (q[j + 4] & 0xF) | (((q[j - 4] & 0xFF) >> 6) << 4);
    }

    /** get_scale_min_k4: the 6-bit min of sub-block j. */
    static int minK4(byte[] q, int j) {
        return j < 4 ? q[j + 4] & 63 : ((q[j + 4] & 0xFF) >> 4) | (((q[j] & 0xFF) >> 6) << 4);
    }

    /** The 8 scales and 8 mins of a Q4_K/Q5_K block, from its 12 packed bytes at {@code offset}. */
    static void scalesMinsK4(MemorySegment s, long offset, int[] scales, int[] mins) {
        for (int j = 0; j < 8; j++) {
            int a = u8(s, offset + j);
            if (j < 4) {
                scales[j] = a & 63;
                mins[j] = u8(s, offset + j + 4) & 63;
            } else {
                int b = u8(s, offset + j + 4);
                scales[j] = (b & 0xF) | ((u8(s, offset + j - 4) >> 6) << 4);
                mins[j] = (b >> 4) | ((a >> 6) << 4);
            }
        }
    }

    /** Packs 6-bit scales and mins as quantize_row_q4_K_ref/q5_K_ref do, into {@code out[0..12)}. */
    static void packScalesMinsK4(float[] scales, float[] mins, float maxScale, float maxMin, byte[] out) {
        float invScale = maxScale > 0 ? 63.f / maxScale : 0.f;
        float invMin = maxMin > 0 ? 63.f / maxMin : 0.f;
        for (int j = 0; j < 8; j++) {
            // uint8_t truncation first, then MIN(63, .), as in C
            int ls = Math.min(63, nearestInt(invScale * scales[j]) & 0xFF);
            int lm = Math.min(63, nearestInt(invMin * mins[j]) & 0xFF);
            if (j < 4) {
                out[j] = (byte) ls;
                out[j + 4] = (byte) lm;
            } else {
                out[j + 4] = (byte) ((ls & 0xF) | ((lm & 0xF) << 4));
                out[j - 4] |= (byte) ((ls >> 4) << 6);
                out[j] |= (byte) ((lm >> 4) << 6);
            }
        }
    }

    /**
     * make_qkx2_quants: scale and min for {@code n} values x[xo..] with levels 0..nmax, searching
     * nstep+1 candidate scales. Writes the levels to {@code l[lo..]} and -min to {@code theMin[mi]}.
     */
    static float makeQkx2Quants(int n, int nmax, float[] x, int xo, float[] weights, int[] l, int lo,
            float[] theMin, int mi, int[] laux, float rmin, float rdelta, int nstep, boolean useMad) {
        float min = x[xo];
        float max = x[xo];
        float sumW = weights[0];
        float sumX = sumW * x[xo];
        for (int i = 1; i < n; ++i) {
            float xi = x[xo + i];
            if (xi < min) {
                min = xi;
            }
            if (xi > max) {
                max = xi;
            }
            float w = weights[i];
            sumW += w;
            sumX += w * xi;
        }
        if (min > 0) {
            min = 0;
        }
        if (max == min) {
            for (int i = 0; i < n; ++i) {
                l[lo + i] = 0;
            }
            theMin[mi] = -min;
            return 0.f;
        }
        float iscale = nmax / (max - min);
        float scale = 1 / iscale;
        float bestError = 0;
        for (int i = 0; i < n; ++i) {
            int q = nearestInt(iscale * (x[xo + i] - min));
            l[lo + i] = Math.max(0, Math.min(nmax, q));
            float diff = scale * l[lo + i] + min - x[xo + i];
            diff = useMad ? Math.abs(diff) : diff * diff;
            bestError += weights[i] * diff;
        }
        for (int is = 0; is <= nstep; ++is) {
            iscale = (rmin + rdelta * is + nmax) / (max - min);
            float sumL = 0;
            float sumL2 = 0;
            float sumXl = 0;
            for (int i = 0; i < n; ++i) {
                int q = Math.max(0, Math.min(nmax, nearestInt(iscale * (x[xo + i] - min))));
                laux[i] = q;
                float w = weights[i];
                sumL += w * q;
                sumL2 += w * q * q;
                sumXl += w * q * x[xo + i];
            }
            float d = sumW * sumL2 - sumL * sumL;
            if (d > 0) {
                float thisScale = (sumW * sumXl - sumX * sumL) / d;
                float thisMin = (sumL2 * sumX - sumL * sumXl) / d;
                if (thisMin > 0) {
                    thisMin = 0;
                    thisScale = sumXl / sumL2;
                }
                float curError = 0;
                for (int i = 0; i < n; ++i) {
                    float diff = thisScale * laux[i] + thisMin - x[xo + i];
                    diff = useMad ? Math.abs(diff) : diff * diff;
                    curError += weights[i] * diff;
                }
                if (curError < bestError) {
                    System.arraycopy(laux, 0, l, lo, n);
                    bestError = curError;
                    scale = thisScale;
                    min = thisMin;
                }
            }
        }
        theMin[mi] = -min;
        return scale;
    }

    /**
     * make_qx_quants with rmse_type 1 and no importance weights (the only form the _ref quantizers
     * use): symmetric levels -nmax..nmax-1 stored as 0..2*nmax-1 in {@code l[lo..]}, weighted by x^2.
     */
    static float makeQxQuants(int n, int nmax, float[] x, int xo, int[] l, int lo) {
        float max = 0;
        float amax = 0;
        for (int i = 0; i < n; ++i) {
            float ax = Math.abs(x[xo + i]);
            if (ax > amax) {
                amax = ax;
                max = x[xo + i];
            }
        }
        if (amax < GROUP_MAX_EPS) {
            for (int i = 0; i < n; ++i) {
                l[lo + i] = 0;
            }
            return 0.f;
        }
        float iscale = -nmax / max;
        float sumlx = 0;
        float suml2 = 0;
        for (int i = 0; i < n; ++i) {
            float xi = x[xo + i];
            int q = Math.max(-nmax, Math.min(nmax - 1, nearestInt(iscale * xi)));
            l[lo + i] = q + nmax;
            float w = xi * xi;
            sumlx += w * xi * q;
            suml2 += w * q * q;
        }
        float scale = suml2 != 0 ? sumlx / suml2 : 0.0f;
        float best = scale * sumlx;
        for (int is = -9; is <= 9; ++is) {
            if (is == 0) {
                continue;
            }
            iscale = -(nmax + 0.1f * is) / max;
            sumlx = 0;
            suml2 = 0;
            for (int i = 0; i < n; ++i) {
                float xi = x[xo + i];
                int q = Math.max(-nmax, Math.min(nmax - 1, nearestInt(iscale * xi)));
                float w = xi * xi;
                sumlx += w * xi * q;
                suml2 += w * q * q;
            }
            if (suml2 > 0 && sumlx * sumlx > best * suml2) {
                for (int i = 0; i < n; ++i) {
                    l[lo + i] = nmax + Math.max(-nmax, Math.min(nmax - 1, nearestInt(iscale * x[xo + i])));
                }
                scale = sumlx / suml2;
                best = scale * sumlx;
            }
        }
        return scale;
    }

    /**
     * make_q3_quants with do_rmse (as quantize_row_q3_K_ref calls it): levels -nmax..nmax-1 refined by
     * up to 5 rounds of coordinate descent, stored as 0..2*nmax-1 in {@code l[lo..]}.
     */
    static float makeQ3Quants(int n, int nmax, float[] x, int xo, int[] l, int lo) {
        float max = 0;
        float amax = 0;
        for (int i = 0; i < n; ++i) {
            float ax = Math.abs(x[xo + i]);
            if (ax > amax) {
                amax = ax;
                max = x[xo + i];
            }
        }
        if (amax < GROUP_MAX_EPS) {
            for (int i = 0; i < n; ++i) {
                l[lo + i] = 0;
            }
            return 0.f;
        }
        float iscale = -nmax / max;
        float sumlx = 0;
        float suml2 = 0;
        for (int i = 0; i < n; ++i) {
            float xi = x[xo + i];
            int q = Math.max(-nmax, Math.min(nmax - 1, nearestInt(iscale * xi)));
            l[lo + i] = q;
            float w = xi * xi;
            sumlx += w * xi * q;
            suml2 += w * q * q;
        }
        for (int itry = 0; itry < 5; ++itry) {
            int nChanged = 0;
            for (int i = 0; i < n; ++i) {
                float xi = x[xo + i];
                float w = xi * xi;
                float slx = sumlx - w * xi * l[lo + i];
                if (slx > 0) {
                    float sl2 = suml2 - w * l[lo + i] * l[lo + i];
                    int newL = Math.max(-nmax, Math.min(nmax - 1, nearestInt(xi * sl2 / slx)));
                    if (newL != l[lo + i]) {
                        slx += w * xi * newL;
                        sl2 += w * newL * newL;
                        if (sl2 > 0 && slx * slx * suml2 > sumlx * sumlx * sl2) {
                            l[lo + i] = newL;
                            sumlx = slx;
                            suml2 = sl2;
                            ++nChanged;
                        }
                    }
                }
            }
            if (nChanged == 0) {
                break;
            }
        }
        for (int i = 0; i < n; ++i) {
            l[lo + i] += nmax;
        }
        return suml2 > 0.0f ? sumlx / suml2 : 0.0f;
    }

    /** Packs 2-bit levels as Q2_K/Q3_K store them: byte j/4+l of each 128 holds l, l+32, l+64, l+96. */
    static void pack2Bits(int[] l, byte[] out, int outOffset) {
        for (int j = 0; j < QK_K; j += 128) {
            for (int i = 0; i < 32; ++i) {
                out[outOffset + j / 4 + i] = (byte) (l[j + i] | (l[j + i + 32] << 2) | (l[j + i + 64] << 4)
                        | (l[j + i + 96] << 6));
            }
        }
    }

    /** The scalar fallback for CPUs without usable vectors: decode a block at a time, then multiply. */
    static float dotByDequantizing(TensorFormat f, MemorySegment w, long offset, float[] x, int xOffset, int n) {
        int blockBytes = f.type().blockBytes;
        float[] tmp = new float[QK_K];
        float sum = 0;
        for (int b = 0; b < n / QK_K; b++) {
            f.dequantize(w, offset + (long) b * blockBytes, tmp, 0, QK_K);
            for (int i = 0; i < QK_K; i++) {
                sum += tmp[i] * x[xOffset + b * QK_K + i];
            }
        }
        return sum;
    }

    static void checkBlocks(int n) {
        if (n % QK_K != 0) {
            throw new IllegalArgumentException(n + " is not a whole number of " + QK_K + "-element blocks");
        }
    }

    /** x in a kernel's order: value {@code order[k]} of each 256-value block goes to position k of that block. */
    static void permuteBlocks(int[] order, float[] x, int xOffset, int n, float[] out, int outOffset) {
        for (int b = 0; b < n / QK_K; b++) {
            int xb = xOffset + b * QK_K;
            int o = outOffset + b * QK_K;
            for (int k = 0; k < QK_K; k++) {
                out[o + k] = x[xb + order[k]];
            }
        }
    }
}
