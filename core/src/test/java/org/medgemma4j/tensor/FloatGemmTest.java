package org.medgemma4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The prompt-batch product: every (row, vector) result is the same whichever kernel computes it (4x4, the
 * edge kernels, the scalar tail past the last whole vector), and close to the exact dot product.
 */
class FloatGemmTest {

    @ParameterizedTest
    @ValueSource(ints = {16, 37, 256, 2560})
    void everyPairIsTheSameAloneOrInABatchAndCloseToExact(int k) {
        int rows = 11;
        int n = 7;
        int xStride = k + 3;
        Random r = new Random(k);
        float[] w = new float[2 + rows * k];
        float[] x = new float[5 + n * xStride];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        int yStride = rows + 2;
        float[] y = new float[1 + n * yStride];
        FloatGemm.multiply(w, 2, rows, k, x, 5, xStride, n, y, 1, yStride);
        float[] one = new float[1];
        for (int t = 0; t < n; t++) {
            for (int i = 0; i < rows; i++) {
                FloatGemm.multiply(w, 2 + i * k, 1, k, x, 5 + t * xStride, xStride, 1, one, 0, 1);
                float got = y[1 + t * yStride + i];
                assertThat(Float.floatToRawIntBits(got)).as("row %d vector %d", i, t)
                        .isEqualTo(Float.floatToRawIntBits(one[0]));
                double exact = 0;
                double scale = 0;
                for (int c = 0; c < k; c++) {
                    double p = (double) w[2 + i * k + c] * x[5 + t * xStride + c];
                    exact += p;
                    scale += Math.abs(p);
                }
                assertThat(Math.abs(got - exact)).as("row %d vector %d", i, t).isLessThanOrEqualTo(1e-5 * scale);
            }
        }
    }
}
