package org.medgemma4j.tensor;

import java.lang.foreign.MemorySegment;

/**
 * llama.cpp's x86 vec_dot kernels (ggml-cpu/arch/x86/quants.c, AVX2 and AVX-512 builds) written out one
 * lane at a time: integer block sums exactly as its 256-bit registers hold them (lane k of a 32-value run is
 * the sum of values 4k..4k+3), each lane converted to float and accumulated with one FMA per block, then
 * its horizontal sum. Integer sums are exact, so these give ggml's result bit for bit; they are the
 * portable path and the definition the vector and native kernels are tested against.
 */
final class IntegerDotReference {

    static final int QK_K = 256;
    static final int Q4_K_BLOCK = 144;
    static final int Q6_K_BLOCK = 210;
    static final int Q8_0_BLOCK = 34;

    private IntegerDotReference() {
    }

    /** hsum_float_8: (lo + hi) halves, then (0 + 2) + (1 + 3). */
    static float hsum8(float[] a) {
        float r0 = a[4] + a[0];
        float r1 = a[5] + a[1];
        float r2 = a[6] + a[2];
        float r3 = a[7] + a[3];
        return (r0 + r2) + (r1 + r3);
    }

    /** ggml_vec_dot_q8_0_q8_0 (AVX2): acc_k = fma(dx * dy, sum of products 4k..4k+3, acc_k) per block. */
    static float dotQ8_0(MemorySegment w, long offset, QuantizedActivations a, int blocks) {
        byte[] y = a.blocks();
        float[] acc = new float[8];
        int[] sumi = new int[8];
        for (int b = 0; b < blocks; b++) {
            long wo = offset + (long) b * Q8_0_BLOCK;
            int yo = b * QuantizedActivations.Q8_0_BLOCK;
            float d = Ggml.f16(w, wo) * a.scale(b);
            java.util.Arrays.fill(sumi, 0);
            for (int p = 0; p < 32; p++) {
                sumi[p >> 2] += w.get(KQuants.BYTE, wo + 2 + p) * y[yo + 2 + p];
            }
            for (int k = 0; k < 8; k++) {
                acc[k] = Math.fma(d, (float) sumi[k], acc[k]);
            }
        }
        return hsum8(acc);
    }

    /**
     * ggml_vec_dot_q4_K_q8_K (AVX2): lane k sums scale_s * q4 * q8 over values 4k..4k+3 of every 32-value
     * sub-block s; the mins meet pairwise sums of the Q8_K block sums in four lanes of their own.
     */
    static float dotQ4_K(MemorySegment w, long offset, QuantizedActivations a, int blocks) {
        byte[] y = a.blocks();
        float[] acc = new float[8];
        float[] accM = new float[4];
        int[] sumi = new int[8];
        int[] scales = new int[8];
        int[] mins = new int[8];
        for (int b = 0; b < blocks; b++) {
            long wo = offset + (long) b * Q4_K_BLOCK;
            int yo = b * QuantizedActivations.Q8_K_BLOCK;
            float yd = a.scale(b);
            float d = yd * Ggml.f16(w, wo);
            float dmin = -yd * Ggml.f16(w, wo + 2);
            KQuants.scalesMinsK4(w, wo + 4, scales, mins);
            for (int k = 0; k < 4; k++) {
                // _mm_hadd_epi16 of the block sums: 16-bit sums of two 16-value sums
                int s0 = (short) (a.bsum(b, 4 * k) + a.bsum(b, 4 * k + 1));
                int s1 = (short) (a.bsum(b, 4 * k + 2) + a.bsum(b, 4 * k + 3));
                int prod = mins[2 * k] * s0 + mins[2 * k + 1] * s1;
                accM[k] = Math.fma(dmin, (float) prod, accM[k]);
            }
            java.util.Arrays.fill(sumi, 0);
            for (int j = 0; j < 4; j++) {
                for (int p = 0; p < 32; p++) {
                    int q = w.get(KQuants.BYTE, wo + 16 + 32 * j + p) & 0xFF;
                    sumi[p >> 2] += scales[2 * j] * (q & 0xF) * y[yo + 4 + 64 * j + p]
                            + scales[2 * j + 1] * (q >> 4) * y[yo + 4 + 64 * j + 32 + p];
                }
            }
            for (int k = 0; k < 8; k++) {
                acc[k] = Math.fma(d, (float) sumi[k], acc[k]);
            }
        }
        float m = (accM[0] + accM[2]) + (accM[1] + accM[3]);
        return hsum8(acc) + m;
    }

    /**
     * ggml_vec_dot_q6_K_q8_K (AVX2): unsigned 6-bit values times q8 per 16-value scale, minus 32 * scale *
     * block sum, folded into the eight lanes as the AVX2 kernel folds them.
     */
    static float dotQ6_K(MemorySegment w, long offset, QuantizedActivations a, int blocks) {
        byte[] y = a.blocks();
        float[] acc = new float[8];
        int[] sumi = new int[8];
        int[] sc = new int[16];
        for (int b = 0; b < blocks; b++) {
            long wo = offset + (long) b * Q6_K_BLOCK;
            int yo = b * QuantizedActivations.Q8_K_BLOCK;
            float d = a.scale(b) * Ggml.f16(w, wo + 208);
            for (int s = 0; s < 16; s++) {
                sc[s] = w.get(KQuants.BYTE, wo + 192 + s);
            }
            java.util.Arrays.fill(sumi, 0);
            for (int j = 0; j < 2; j++) {
                long ql = wo + 64 * j;
                long qh = wo + 128 + 32 * j;
                for (int t = 0; t < 4; t++) {
                    for (int p = 0; p < 32; p++) {
                        int lo = w.get(KQuants.BYTE, ql + (t & 1) * 32 + p) & 0xFF;
                        int h = w.get(KQuants.BYTE, qh + p) & 0xFF;
                        int q = ((t < 2 ? lo & 0xF : lo >> 4)) | (((h >> (2 * t)) & 3) << 4);
                        int scale = sc[8 * j + 2 * t + (p >> 4)];
                        sumi[p >> 2] += scale * q * y[yo + 4 + 128 * j + 32 * t + p];
                    }
                }
            }
            for (int k = 0; k < 8; k++) {
                sumi[k] -= 32 * (a.bsum(b, 2 * k) * sc[2 * k] + a.bsum(b, 2 * k + 1) * sc[2 * k + 1]);
                acc[k] = Math.fma(d, (float) sumi[k], acc[k]);
            }
        }
        return hsum8(acc);
    }
}
