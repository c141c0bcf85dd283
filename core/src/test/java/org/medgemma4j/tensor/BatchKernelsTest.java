package org.medgemma4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The speed paths of every format give bit for bit what {@link TensorFormat#dot} gives: the multi-row
 * kernels ({@link TensorFormat#dotRows} with the activations in the format's form), the prepared-row batch kernels
 * ({@link TensorFormat#dotPrepared}), and so {@link WeightMatrix#matMul}'s next-token steps for any batch size
 * and any split of rows across threads: decoding one token or a batch of many must produce the same logits.
 * Its prompt tokens (rows decoded once, times the batch) must likewise not depend on the batch or the split, and
 * must use exactly the dequantized weights.
 */
class BatchKernelsTest {

    static java.util.stream.Stream<GgmlType> types() {
        return java.util.stream.Stream.of(GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q4_1,
                GgmlType.Q5_0, GgmlType.Q5_1, GgmlType.Q2_K, GgmlType.Q3_K, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K)
                .filter(t -> TensorFormats.of(t).canQuantize());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void fastPathsEqualDot(GgmlType type) {
        // 256: a single K-quant block per row, where a kernel's last block reads its sums' padding
        for (int cols : new int[] {256, 2560}) {
            fastPathsEqualDot(type, cols);
        }
    }

    private static void fastPathsEqualDot(GgmlType type, int cols) {
        TensorFormat f = TensorFormats.of(type);
        int rows = 37;
        Random r = new Random(7);
        long rowBytes = type.bytesFor(cols);
        try (Arena arena = Arena.ofShared()) {
            MemorySegment w = arena.allocate(rowBytes * rows, 64);
            float[] src = new float[cols];
            for (int i = 0; i < rows; i++) {
                for (int k = 0; k < cols; k++) {
                    src[k] = (float) (r.nextGaussian() * (1 + (k % 97 == 0 ? 20 : 0)));
                }
                f.quantize(src, 0, w, i * rowBytes, cols);
            }
            int n = 9;
            float[] x = new float[n * cols];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) r.nextGaussian();
            }
            int sl = f.activationFormLength(cols);
            float[] sums = new float[Math.max(1, n * sl)];
            for (int t = 0; t < n; t++) {
                f.activationForm(x, t * cols, cols, sums, t * sl);
            }
            float[] expected = new float[n * rows];
            for (int t = 0; t < n; t++) {
                for (int i = 0; i < rows; i++) {
                    expected[t * rows + i] = f.dot(w, i * rowBytes, x, t * cols, cols);
                }
            }
            float[] got = new float[rows];
            for (int t = 0; t < n; t++) {
                for (int group : new int[] {1, 2, 3, 4, 5, 16, rows}) {
                    for (int i = 0; i < rows; i += group) {
                        int c = Math.min(group, rows - i);
                        f.dotRows(w, i * rowBytes, rowBytes, c, x, t * cols, sums, t * sl, cols, got, i);
                    }
                    for (int i = 0; i < rows; i++) {
                        assertThat(Float.floatToRawIntBits(got[i])).as("dotRows group %d row %d", group, i)
                                .isEqualTo(Float.floatToRawIntBits(expected[t * rows + i]));
                    }
                }
            }
            float[] four = new float[2 * 4];
            for (int i = 0; i < rows; i++) {
                f.dot4(w, i * rowBytes, x, 2 * cols, cols, sums, 2 * sl, sl, cols, four, 1, 2);
                for (int t = 0; t < 4; t++) {
                    assertThat(Float.floatToRawIntBits(four[1 + 2 * t])).as("dot4 row %d, token %d of four", i, t)
                            .isEqualTo(Float.floatToRawIntBits(expected[(2 + t) * rows + i]));
                }
            }
            int pl = f.preparedRowLength(cols);
            if (pl > 0) {
                float[] row = new float[pl + 3];
                for (int i = 0; i < rows; i++) {
                    f.prepareRow(w, i * rowBytes, cols, row, 3);
                    for (int t = 0; t < n; t++) {
                        float p = f.dotPrepared(row, 3, x, t * cols, sums, t * sl, cols);
                        assertThat(Float.floatToRawIntBits(p)).as("prepared row %d token %d", i, t)
                                .isEqualTo(Float.floatToRawIntBits(expected[t * rows + i]));
                    }
                    f.dotPrepared4(row, 3, x, 2 * cols, cols, sums, 2 * sl, sl, cols, four, 1, 2);
                    for (int t = 0; t < 4; t++) {
                        assertThat(Float.floatToRawIntBits(four[1 + 2 * t])).as("prepared row %d, token %d of four", i, t)
                                .isEqualTo(Float.floatToRawIntBits(expected[(2 + t) * rows + i]));
                    }
                }
            }
            // prompt rows: the dequantized weights, each bit for bit, in the order the form holds x, times the power
            // of two by which the form scales that x (the form of 1, 1, 1, ... tells the scales, that of 0, 1, 2, ...
            // the order), so that each product in a prompt equals the single-vector kernel's
            float[] iota = new float[cols];
            float[] ones = new float[cols];
            for (int k = 0; k < cols; k++) {
                iota[k] = k;
                ones[k] = 1;
            }
            float[] order = new float[Math.max(cols, sl)];
            float[] scale = new float[Math.max(cols, sl)];
            if (sl > 0) {
                f.activationForm(iota, 0, cols, order, 0);
                f.activationForm(ones, 0, cols, scale, 0);
            } else {
                System.arraycopy(iota, 0, order, 0, cols);
                java.util.Arrays.fill(scale, 1f);
            }
            for (int k = 0; k < cols; k++) {
                assertThat(Math.getExponent(scale[k])).as("scale of form value %d", k).isBetween(-126, 127);
                assertThat(scale[k]).as("scale of form value %d is a power of two", k)
                        .isEqualTo(Math.scalb(1f, Math.getExponent(scale[k])));
                order[k] /= scale[k];
            }
            float[] plain = new float[cols];
            float[] inFormOrder = new float[cols + 5];
            for (int i = 0; i < rows; i++) {
                f.dequantize(w, i * rowBytes, plain, 0, cols);
                f.dequantizeInFormOrder(w, i * rowBytes, inFormOrder, 5, cols);
                for (int k = 0; k < cols; k++) {
                    assertThat(Float.floatToRawIntBits(inFormOrder[5 + k])).as("row %d value %d in form order", i, k)
                            .isEqualTo(Float.floatToRawIntBits(plain[(int) order[k]] / scale[k]));
                }
            }
            WeightMatrix m = new WeightMatrix("m", type, w, rows, cols);
            for (int threads : new int[] {1, 2, 3}) {
                try (WorkerPool pool = new WorkerPool(threads)) {
                    for (int batch : new int[] {1, 2, 3, 4, n}) {
                        // all steps, all prompt tokens, and a mix
                        for (int steps : new int[] {batch, 0, batch / 2}) {
                            float[] in = java.util.Arrays.copyOf(x, batch * cols);
                            float[] y = new float[batch * rows];
                            float[] y1 = new float[rows];
                            m.matMul(pool, in, batch, steps, y, new float[WeightMatrix.scratchLength(batch, cols)]);
                            for (int t = 0; t < batch; t++) {
                                m.matMul(pool, java.util.Arrays.copyOfRange(x, t * cols, (t + 1) * cols), 1,
                                        t < steps ? 1 : 0, y1, new float[WeightMatrix.scratchLength(1, cols)]);
                                for (int i = 0; i < rows; i++) {
                                    assertThat(Float.floatToRawIntBits(y[t * rows + i]))
                                            .as("matMul %d threads batch %d (%d steps) token %d row %d", threads, batch,
                                                    steps, t, i)
                                            .isEqualTo(Float.floatToRawIntBits(y1[i]));
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
