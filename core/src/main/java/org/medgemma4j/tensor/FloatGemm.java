package org.medgemma4j.tensor;

import static org.medgemma4j.tensor.Ggml.FOLD1;
import static org.medgemma4j.tensor.Ggml.FOLD2;
import static org.medgemma4j.tensor.Ggml.FOLD4;
import static org.medgemma4j.tensor.Ggml.FOLD8;
import static org.medgemma4j.tensor.Ggml.FS;
import static org.medgemma4j.tensor.Ggml.L;

import jdk.incubator.vector.FloatVector;

/**
 * The float matrix product of prompt batches: rows of weights already decoded to floats against many
 * activation vectors, register-blocked four rows by four vectors (16 accumulators; each loaded vector feeds
 * four FMAs, so the FMA units rather than the loads set the pace: one core reaches about its float peak).
 *
 * <p>Every (row, vector) result takes the same operations whichever kernel computes it (four-by-four or an
 * edge kernel) and wherever the pair sits in the batch: one accumulator, an FMA per {@code L} columns in
 * column order, the lanes folded in one fixed order, then the columns past the last whole vector in order.
 * A prompt token's products therefore do not depend on how the prompt is split into passes.
 */
public final class FloatGemm {

    private FloatGemm() {
    }

    /**
     * {@code y[yOff + t * yStride + r] = w_r . x_t} for rows r in [0, rows) of {@code w} (k floats each, back
     * to back from {@code wOff}) and vectors t in [0, n) of {@code x} (k floats each, {@code xStride} apart from
     * {@code xOff}).
     */
    public static void multiply(float[] w, int wOff, int rows, int k, float[] x, int xOff, int xStride, int n,
            float[] y, int yOff, int yStride) {
        int kv = Ggml.VECTOR ? k - k % L : 0;
        if (kv > 0) {
            vectorPart(w, wOff, rows, k, kv, x, xOff, xStride, n, y, yOff, yStride);
        }
        if (kv < k) {
            for (int r = 0; r < rows; r++) {
                for (int t = 0; t < n; t++) {
                    float s = kv == 0 ? 0f : y[yOff + t * yStride + r];
                    for (int i = kv; i < k; i++) {
                        s = Math.fma(w[wOff + r * k + i], x[xOff + t * xStride + i], s);
                    }
                    y[yOff + t * yStride + r] = s;
                }
            }
        }
    }

    private static void vectorPart(float[] w, int wOff, int rows, int k, int kv, float[] x, int xOff, int xStride,
            int n, float[] y, int yOff, int yStride) {
        int r4 = rows - rows % 4;
        int t = 0;
        for (; t + 4 <= n; t += 4) {
            int xo = xOff + t * xStride;
            int yo = yOff + t * yStride;
            for (int r = 0; r < r4; r += 4) {
                rows4Tokens4(w, wOff + r * k, k, x, xo, xStride, kv, y, yo + r, yStride);
            }
        }
        for (; t < n; t++) {
            int xo = xOff + t * xStride;
            int yo = yOff + t * yStride;
            for (int r = 0; r < r4; r += 4) {
                rows4Token1(w, wOff + r * k, k, x, xo, xStride, kv, y, yo + r, yStride);
            }
        }
        for (int r = r4; r < rows; r++) {
            for (t = 0; t < n; t++) {
                row1Token1(w, wOff + r * k, k, x, xOff + t * xStride, xStride, kv, y, yOff + t * yStride + r, yStride);
            }
        }
    }

    // The kernels are written out (generated): a loop over the accumulators or a helper call after the first
    // vector operation would pass C2's inlining budget, and the vectors crossing it would be boxed.

    private static void rows4Tokens4(float[] w, int wOff, int k, float[] x, int xOff, int xStride, int kv, float[] y, int yOff, int yStride) {
        FloatVector z = FloatVector.zero(FS);
        FloatVector a00 = z, a01 = z, a02 = z, a03 = z;
        FloatVector a10 = z, a11 = z, a12 = z, a13 = z;
        FloatVector a20 = z, a21 = z, a22 = z, a23 = z;
        FloatVector a30 = z, a31 = z, a32 = z, a33 = z;
        int w0 = wOff;
        int w1 = wOff + k;
        int w2 = wOff + 2 * k;
        int w3 = wOff + 3 * k;
        int x0 = xOff;
        int x1 = xOff + xStride;
        int x2 = xOff + 2 * xStride;
        int x3 = xOff + 3 * xStride;
        for (int i = 0; i < kv; i += L) {
            FloatVector v0 = FloatVector.fromArray(FS, x, x0 + i);
            FloatVector v1 = FloatVector.fromArray(FS, x, x1 + i);
            FloatVector v2 = FloatVector.fromArray(FS, x, x2 + i);
            FloatVector v3 = FloatVector.fromArray(FS, x, x3 + i);
            FloatVector r0 = FloatVector.fromArray(FS, w, w0 + i);
            a00 = r0.fma(v0, a00); a01 = r0.fma(v1, a01); a02 = r0.fma(v2, a02); a03 = r0.fma(v3, a03);
            FloatVector r1 = FloatVector.fromArray(FS, w, w1 + i);
            a10 = r1.fma(v0, a10); a11 = r1.fma(v1, a11); a12 = r1.fma(v2, a12); a13 = r1.fma(v3, a13);
            FloatVector r2 = FloatVector.fromArray(FS, w, w2 + i);
            a20 = r2.fma(v0, a20); a21 = r2.fma(v1, a21); a22 = r2.fma(v2, a22); a23 = r2.fma(v3, a23);
            FloatVector r3 = FloatVector.fromArray(FS, w, w3 + i);
            a30 = r3.fma(v0, a30); a31 = r3.fma(v1, a31); a32 = r3.fma(v2, a32); a33 = r3.fma(v3, a33);
        }
        if (L == 16) {
            a00 = a00.add(a00.rearrange(FOLD8));
            a01 = a01.add(a01.rearrange(FOLD8));
            a02 = a02.add(a02.rearrange(FOLD8));
            a03 = a03.add(a03.rearrange(FOLD8));
            a10 = a10.add(a10.rearrange(FOLD8));
            a11 = a11.add(a11.rearrange(FOLD8));
            a12 = a12.add(a12.rearrange(FOLD8));
            a13 = a13.add(a13.rearrange(FOLD8));
            a20 = a20.add(a20.rearrange(FOLD8));
            a21 = a21.add(a21.rearrange(FOLD8));
            a22 = a22.add(a22.rearrange(FOLD8));
            a23 = a23.add(a23.rearrange(FOLD8));
            a30 = a30.add(a30.rearrange(FOLD8));
            a31 = a31.add(a31.rearrange(FOLD8));
            a32 = a32.add(a32.rearrange(FOLD8));
            a33 = a33.add(a33.rearrange(FOLD8));
        }
        a00 = a00.add(a00.rearrange(FOLD4));
        a01 = a01.add(a01.rearrange(FOLD4));
        a02 = a02.add(a02.rearrange(FOLD4));
        a03 = a03.add(a03.rearrange(FOLD4));
        a10 = a10.add(a10.rearrange(FOLD4));
        a11 = a11.add(a11.rearrange(FOLD4));
        a12 = a12.add(a12.rearrange(FOLD4));
        a13 = a13.add(a13.rearrange(FOLD4));
        a20 = a20.add(a20.rearrange(FOLD4));
        a21 = a21.add(a21.rearrange(FOLD4));
        a22 = a22.add(a22.rearrange(FOLD4));
        a23 = a23.add(a23.rearrange(FOLD4));
        a30 = a30.add(a30.rearrange(FOLD4));
        a31 = a31.add(a31.rearrange(FOLD4));
        a32 = a32.add(a32.rearrange(FOLD4));
        a33 = a33.add(a33.rearrange(FOLD4));
        a00 = a00.add(a00.rearrange(FOLD2));
        a01 = a01.add(a01.rearrange(FOLD2));
        a02 = a02.add(a02.rearrange(FOLD2));
        a03 = a03.add(a03.rearrange(FOLD2));
        a10 = a10.add(a10.rearrange(FOLD2));
        a11 = a11.add(a11.rearrange(FOLD2));
        a12 = a12.add(a12.rearrange(FOLD2));
        a13 = a13.add(a13.rearrange(FOLD2));
        a20 = a20.add(a20.rearrange(FOLD2));
        a21 = a21.add(a21.rearrange(FOLD2));
        a22 = a22.add(a22.rearrange(FOLD2));
        a23 = a23.add(a23.rearrange(FOLD2));
        a30 = a30.add(a30.rearrange(FOLD2));
        a31 = a31.add(a31.rearrange(FOLD2));
        a32 = a32.add(a32.rearrange(FOLD2));
        a33 = a33.add(a33.rearrange(FOLD2));
        a00 = a00.add(a00.rearrange(FOLD1));
        a01 = a01.add(a01.rearrange(FOLD1));
        a02 = a02.add(a02.rearrange(FOLD1));
        a03 = a03.add(a03.rearrange(FOLD1));
        a10 = a10.add(a10.rearrange(FOLD1));
        a11 = a11.add(a11.rearrange(FOLD1));
        a12 = a12.add(a12.rearrange(FOLD1));
        a13 = a13.add(a13.rearrange(FOLD1));
        a20 = a20.add(a20.rearrange(FOLD1));
        a21 = a21.add(a21.rearrange(FOLD1));
        a22 = a22.add(a22.rearrange(FOLD1));
        a23 = a23.add(a23.rearrange(FOLD1));
        a30 = a30.add(a30.rearrange(FOLD1));
        a31 = a31.add(a31.rearrange(FOLD1));
        a32 = a32.add(a32.rearrange(FOLD1));
        a33 = a33.add(a33.rearrange(FOLD1));
        y[yOff] = a00.lane(0);
        y[yOff + 1 * yStride] = a01.lane(0);
        y[yOff + 2 * yStride] = a02.lane(0);
        y[yOff + 3 * yStride] = a03.lane(0);
        y[yOff + 1] = a10.lane(0);
        y[yOff + 1 + 1 * yStride] = a11.lane(0);
        y[yOff + 1 + 2 * yStride] = a12.lane(0);
        y[yOff + 1 + 3 * yStride] = a13.lane(0);
        y[yOff + 2] = a20.lane(0);
        y[yOff + 2 + 1 * yStride] = a21.lane(0);
        y[yOff + 2 + 2 * yStride] = a22.lane(0);
        y[yOff + 2 + 3 * yStride] = a23.lane(0);
        y[yOff + 3] = a30.lane(0);
        y[yOff + 3 + 1 * yStride] = a31.lane(0);
        y[yOff + 3 + 2 * yStride] = a32.lane(0);
        y[yOff + 3 + 3 * yStride] = a33.lane(0);
    }

    private static void rows4Token1(float[] w, int wOff, int k, float[] x, int xOff, int xStride, int kv, float[] y, int yOff, int yStride) {
        FloatVector z = FloatVector.zero(FS);
        FloatVector a00 = z;
        FloatVector a10 = z;
        FloatVector a20 = z;
        FloatVector a30 = z;
        int w0 = wOff;
        int w1 = wOff + k;
        int w2 = wOff + 2 * k;
        int w3 = wOff + 3 * k;
        int x0 = xOff;
        for (int i = 0; i < kv; i += L) {
            FloatVector v0 = FloatVector.fromArray(FS, x, x0 + i);
            FloatVector r0 = FloatVector.fromArray(FS, w, w0 + i);
            a00 = r0.fma(v0, a00);
            FloatVector r1 = FloatVector.fromArray(FS, w, w1 + i);
            a10 = r1.fma(v0, a10);
            FloatVector r2 = FloatVector.fromArray(FS, w, w2 + i);
            a20 = r2.fma(v0, a20);
            FloatVector r3 = FloatVector.fromArray(FS, w, w3 + i);
            a30 = r3.fma(v0, a30);
        }
        if (L == 16) {
            a00 = a00.add(a00.rearrange(FOLD8));
            a10 = a10.add(a10.rearrange(FOLD8));
            a20 = a20.add(a20.rearrange(FOLD8));
            a30 = a30.add(a30.rearrange(FOLD8));
        }
        a00 = a00.add(a00.rearrange(FOLD4));
        a10 = a10.add(a10.rearrange(FOLD4));
        a20 = a20.add(a20.rearrange(FOLD4));
        a30 = a30.add(a30.rearrange(FOLD4));
        a00 = a00.add(a00.rearrange(FOLD2));
        a10 = a10.add(a10.rearrange(FOLD2));
        a20 = a20.add(a20.rearrange(FOLD2));
        a30 = a30.add(a30.rearrange(FOLD2));
        a00 = a00.add(a00.rearrange(FOLD1));
        a10 = a10.add(a10.rearrange(FOLD1));
        a20 = a20.add(a20.rearrange(FOLD1));
        a30 = a30.add(a30.rearrange(FOLD1));
        y[yOff] = a00.lane(0);
        y[yOff + 1] = a10.lane(0);
        y[yOff + 2] = a20.lane(0);
        y[yOff + 3] = a30.lane(0);
    }

    private static void row1Token1(float[] w, int wOff, int k, float[] x, int xOff, int xStride, int kv, float[] y, int yOff, int yStride) {
        FloatVector z = FloatVector.zero(FS);
        FloatVector a00 = z;
        int w0 = wOff;
        int x0 = xOff;
        for (int i = 0; i < kv; i += L) {
            FloatVector v0 = FloatVector.fromArray(FS, x, x0 + i);
            FloatVector r0 = FloatVector.fromArray(FS, w, w0 + i);
            a00 = r0.fma(v0, a00);
        }
        if (L == 16) {
            a00 = a00.add(a00.rearrange(FOLD8));
        }
        a00 = a00.add(a00.rearrange(FOLD4));
        a00 = a00.add(a00.rearrange(FOLD2));
        a00 = a00.add(a00.rearrange(FOLD1));
        y[yOff] = a00.lane(0);
    }
}
