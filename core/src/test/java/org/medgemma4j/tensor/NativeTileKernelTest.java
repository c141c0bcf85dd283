package org.medgemma4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.MemorySegment;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.medgemma4j.testing.GgmlReference;

/**
 * The native batch kernel gives, for every (row, vector), the single-vector native dot bit for bit (which
 * IntegerKernelsOracleTest holds equal to ggml's vec_dot): the same arithmetic, register-blocked over rows and
 * vectors. Row and vector counts that leave partial blocks (Q8_0 takes 4 x 4, Q4_K 1 x 6, Q6_K 1 x 8), and a
 * result stride wider than the rows, are covered.
 */
class NativeTileKernelTest {

    private static final List<String> DISTRIBUTIONS = List.of(
            "normal", "uniform", "positive", "outliers", "zeros", "sparse", "ties", "tiny", "huge", "mixedScales", "normal",
            "outliers", "uniform");

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = GgmlType.class, names = {"Q4_K", "Q6_K", "Q8_0"})
    void everyTileDotEqualsTheSingleVectorDot(GgmlType type) {
        NativeIntegerKernels nat = (NativeIntegerKernels) NativeIntegerKernels.load().orElse(null);
        assumeTrue(nat != null, "native kernels: " + NativeIntegerKernels.unavailableReason());
        for (int cols : new int[] {512, 2560}) {
            // 12 distinct rows repeated to 200: more than one 256 KB row tile at 2560 columns
            int rows = 200;
            long rowBytes = type.bytesFor(cols);
            byte[] weights = new byte[(int) (rows * rowBytes)];
            for (int r = 0; r < 12; r++) {
                float[] w = FormatTestData.values(r % 2 == 0 ? "normal" : "mixedScales", cols, 300 + r);
                System.arraycopy(GgmlReference.quantize(type, w), 0, weights, (int) (r * rowBytes), (int) rowBytes);
            }
            for (int r = 12; r < rows; r++) {
                System.arraycopy(weights, (int) ((r % 12) * rowBytes), weights, (int) (r * rowBytes), (int) rowBytes);
            }
            MemorySegment seg = MemorySegment.ofArray(weights);
            GgmlType activationType = IntegerKernels.activationType(type);
            for (int tokens : new int[] {1, 2, 3, 4, 5, 6, 7, 11, 13}) {
                float[] x = new float[tokens * cols];
                for (int t = 0; t < tokens; t++) {
                    System.arraycopy(FormatTestData.values(DISTRIBUTIONS.get(t), cols, 40 + t), 0, x, t * cols, cols);
                }
                QuantizedActivations all = new QuantizedActivations(activationType, tokens * cols, false)
                        .holdVectors(tokens, cols);
                all.quantizeVectors(x, 0, cols, 0, tokens);
                // rows 1..199 of the matrix (partial row blocks), results at an offset with a stride wider than the rows
                int from = 1;
                int count = rows - from;
                int stride = rows + 3;
                float[] tiled = new float[5 + tokens * stride];
                nat.dotTile(type, seg, from * rowBytes, rowBytes, count, all, cols, tokens, tiled, 5, stride);
                for (int t = 0; t < tokens; t++) {
                    QuantizedActivations one = new QuantizedActivations(activationType, cols).quantize(x, t * cols, cols);
                    float[] single = new float[count];
                    nat.dotRows(type, seg, from * rowBytes, rowBytes, count, one, cols, single, 0);
                    for (int r = 0; r < count; r++) {
                        assertThat(Float.floatToRawIntBits(tiled[5 + t * stride + r]))
                                .as("%s cols %d, %d tokens: row %d token %d: tile %s vs single %s", type, cols, tokens,
                                        from + r, t, tiled[5 + t * stride + r], single[r])
                                .isEqualTo(Float.floatToRawIntBits(single[r]));
                    }
                }
            }
        }
    }
}
