package org.medgemma4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.MemorySegment;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.medgemma4j.testing.GgmlReference;

/**
 * The native batch kernel gives, for every (row, vector), the single-vector native dot bit for bit, in every build
 * this CPU runs (the AVX2 build's Q8_0 takes another path than the VNNI build's). The single-vector dots of each
 * build equal those of the process-wide one, which IntegerKernelsOracleTest holds equal to ggml's vec_dot. Row
 * and vector counts that leave partial blocks (Q8_0 takes 4 x 4, Q4_K 1 x 6, Q6_K 1 x 8), more than one row tile,
 * and a result stride wider than the rows are covered.
 */
class NativeTileKernelTest {

    private static final List<String> DISTRIBUTIONS = List.of(
            "normal", "uniform", "positive", "outliers", "zeros", "sparse", "ties", "tiny", "huge", "mixedScales", "normal",
            "outliers", "uniform");

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"avx2, Q4_K", "avx2, Q6_K", "avx2, Q8_0", "avx512vnni, Q4_K", "avx512vnni, Q6_K", "avx512vnni, Q8_0"})
    void everyBatchDotEqualsTheSingleVectorDot(String variant, GgmlType type) throws Exception {
        NativeIntegerKernels reference = (NativeIntegerKernels) NativeIntegerKernels.load().orElse(null);
        assumeTrue(reference != null, "native kernels: " + NativeIntegerKernels.unavailableReason());
        NativeIntegerKernels nat = NativeIntegerKernels.loadVariant(variant).orElse(null);
        assumeTrue(nat != null, "the " + variant + " build is not built here or this CPU cannot run it");
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
                    float[] loaded = new float[count];
                    reference.dotRows(type, seg, from * rowBytes, rowBytes, count, one, cols, loaded, 0);
                    for (int r = 0; r < count; r++) {
                        assertThat(Float.floatToRawIntBits(tiled[5 + t * stride + r]))
                                .as("%s %s cols %d, %d tokens: row %d token %d: batch %s vs single %s", variant, type, cols,
                                        tokens, from + r, t, tiled[5 + t * stride + r], single[r])
                                .isEqualTo(Float.floatToRawIntBits(single[r]));
                        assertThat(Float.floatToRawIntBits(single[r]))
                                .as("%s %s: row %d token %d: %s vs the loaded build's %s", variant, type, from + r, t,
                                        single[r], loaded[r])
                                .isEqualTo(Float.floatToRawIntBits(loaded[r]));
                    }
                }
            }
        }
    }

    /** Rows past 128 super-blocks: the single-vector Q4_K kernel keeps its per-vector sums on the heap there. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"avx2", "avx512vnni"})
    void wideQ4_KRowsEqualTheReference(String variant) throws Exception {
        NativeIntegerKernels nat = NativeIntegerKernels.loadVariant(variant).orElse(null);
        assumeTrue(nat != null, "the " + variant + " build is not built here or this CPU cannot run it");
        GgmlType type = GgmlType.Q4_K;
        int cols = 129 * 256;
        int rows = 3;
        long rowBytes = type.bytesFor(cols);
        byte[] weights = new byte[(int) (rows * rowBytes)];
        for (int r = 0; r < rows; r++) {
            float[] w = FormatTestData.values(r == 1 ? "normal" : "mixedScales", cols, 500 + r);
            System.arraycopy(GgmlReference.quantize(type, w), 0, weights, (int) (r * rowBytes), (int) rowBytes);
        }
        MemorySegment seg = MemorySegment.ofArray(weights);
        QuantizedActivations a = new QuantizedActivations(GgmlType.Q8_K, cols)
                .quantize(FormatTestData.values("outliers", cols, 77), 0, cols);
        float[] got = new float[rows];
        nat.dotRows(type, seg, 0, rowBytes, rows, a, cols, got, 0);
        for (int r = 0; r < rows; r++) {
            float expected = JavaIntegerKernels.INSTANCE.dot(type, seg, r * rowBytes, a, cols);
            assertThat(Float.floatToRawIntBits(got[r])).as("%s row %d: %s vs the reference's %s", variant, r, got[r], expected)
                    .isEqualTo(Float.floatToRawIntBits(expected));
        }
    }
}
