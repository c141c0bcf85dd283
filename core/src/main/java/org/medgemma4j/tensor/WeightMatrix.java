package org.medgemma4j.tensor;

import java.lang.foreign.MemorySegment;

/**
 * A 2-D weight tensor in any supported format, read in place from its (mapped) segment. Stored as
 * ggml does: {@code rows} rows of {@code cols} contiguous elements, used as y = W x.
 */
public final class WeightMatrix {

    private final String name;
    private final TensorFormat format;
    private final MemorySegment data;
    private final int rows;
    private final int cols;
    private final long rowBytes;

    public WeightMatrix(String name, GgmlType type, MemorySegment data, int rows, int cols) {
        this.name = name;
        this.format = TensorFormats.of(type);
        this.data = data;
        this.rows = rows;
        this.cols = cols;
        this.rowBytes = type.bytesFor(cols);
        if (data.byteSize() != rowBytes * rows) {
            throw new IllegalArgumentException(name + ": " + data.byteSize() + " bytes for " + rows + " x " + cols + " " + type);
        }
    }

    public String name() {
        return name;
    }

    public GgmlType type() {
        return format.type();
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    public long byteSize() {
        return data.byteSize();
    }

    /** Decodes row {@code r} into {@code dst[offset .. offset+cols)}. */
    public void dequantizeRow(int r, float[] dst, int offset) {
        format.dequantize(data, r * rowBytes, dst, offset, cols);
    }

    /** y[yOff + r] = row r . x[xOff ..] for rows [from, to). */
    public void matVec(float[] x, int xOff, float[] y, int yOff, int from, int to) {
        for (int r = from; r < to; r++) {
            y[yOff + r] = format.dot(data, r * rowBytes, x, xOff, cols);
        }
    }

    /** Rows a kernel call covers: a few rows' weights stay in L1 while they meet every vector of a batch. */
    public static final int ROW_GROUP = 16;

    /** Floats of the per-vector activation form the format's kernels read. */
    public int formLength() {
        return format.activationFormLength(cols);
    }

    /** Scratch floats {@link #matMul} needs for n vectors of width cols. */
    public static int scratchLength(int n, int cols) {
        return Math.max(n * cols, n * (cols + cols / 16 + 16) + cols);
    }

    private static final float[] NO_FORM = new float[0];

    /** Whether {@link #matMul} reads its scratch under the current {@link KernelChoice} (the float kernels do). */
    public boolean usesScratch() {
        return KernelChoice.current().integerKernelsFor(format.type()) == null;
    }

    /**
     * The full product for n vectors, rows split across the pool, with the activations first rounded as
     * llama.cpp rounds them for this weight type ({@link ActivationRounding}); {@code scratch} holds the
     * rounded copy, or, for a format whose kernels read the activations in a form of their own, that form (at
     * least {@link #scratchLength} floats).
     *
     * <p>On the integer kernels ({@link KernelChoice}: {@code native}, {@code java-int}, or {@code auto} where the
     * native library covers the type) every vector, step or prompt token, is quantized as llama.cpp quantizes it
     * and each dot is ggml's vec_dot bit for bit; a batch on the native kernels is one pass over the weights
     * ({@link NativeIntegerKernels#dotTile}). Each result is then independent of the batch and of its kind.
     *
     * <p>On the float kernels, vectors [0, steps) are next-token steps: each gets the format's dot kernel
     * (batched four at a time, bit for bit the single-vector result), so a sequence decoded beside others gets
     * exactly what it gets alone. Vectors [steps, n) are prompt tokens: the rows are decoded to floats once per
     * pass and multiplied with all of them ({@link FloatGemm}); each such result is also independent of the batch,
     * so a prompt gives the same activations however it is split into passes. The two kinds round differently
     * (the dot kernels scale partial sums per sub-block).
     */
    public void matMul(WorkerPool pool, float[] x, int n, int steps, float[] y, float[] scratch) {
        if (steps < 0 || steps > n) {
            throw new IllegalArgumentException(steps + " steps in a batch of " + n);
        }
        IntegerKernels integer = KernelChoice.current().integerKernelsFor(format.type());
        if (integer instanceof NativeIntegerKernels nat && n > 1) {
            matMulNative(nat, pool, x, n, y);
            return;
        }
        if (integer != null) {
            matMulInteger(integer, pool, x, n, y);
            return;
        }
        int fl = formLength();
        boolean rounds = ActivationRounding.rounds(format.type());
        if (fl > 0) {
            // the kernels read only the form: each vector is rounded into the scratch's last cols floats and
            // arranged from there, so no rounded copy of the whole batch is kept (it was 10 MB in a prefill pass)
            int rounded = n * fl;
            if (scratch == null || scratch.length < rounded + cols) {
                scratch = new float[rounded + cols];
            }
            for (int t = 0; t < n; t++) {
                if (rounds) {
                    ActivationRounding.round(format.type(), x, t * cols, scratch, rounded, cols);
                    format.activationForm(scratch, rounded, cols, scratch, t * fl);
                } else {
                    format.activationForm(x, t * cols, cols, scratch, t * fl);
                }
            }
            float[] form = scratch;
            // a prompt token's x is the form's first cols floats (x in kernel order), met by rows decoded in that order
            pool.parallelFor(rows, (from, to) -> {
                matMulAt(x, steps, form, 0, y, from, to);
                promptProducts(form, steps * fl, fl, n - steps, y, steps * rows, from, to);
            });
            return;
        }
        float[] in = x;
        if (rounds) {
            if (scratch == null || scratch.length < n * cols) {
                scratch = new float[n * cols];
            }
            ActivationRounding.round(format.type(), x, 0, scratch, 0, n * cols);
            in = scratch;
        }
        float[] input = in;
        pool.parallelFor(rows, (from, to) -> {
            matMulAt(input, steps, NO_FORM, 0, y, from, to);
            promptProducts(input, steps * cols, cols, n - steps, y, steps * rows, from, to);
        });
    }

    /**
     * {@link #matMul} on integer kernels one vector at a time: each vector's activations quantized once, as
     * llama.cpp quantizes them for this weight type, then every row's dot is ggml's vec_dot bit for bit. A single
     * step on the native kernels, and every product under {@code java-int} (the exact reference: prompt tokens
     * too, so its results equal the native batch product's).
     */
    private void matMulInteger(IntegerKernels integer, WorkerPool pool, float[] x, int n, float[] y) {
        GgmlType activationType = IntegerKernels.activationType(format.type());
        QuantizedActivations[] q = new QuantizedActivations[n];
        pool.parallelFor(n, (from, to) -> {
            for (int t = from; t < to; t++) {
                q[t] = new QuantizedActivations(activationType, cols).quantize(x, t * cols, cols);
            }
        });
        pool.parallelFor(rows, (from, to) -> {
            for (int t = 0; t < n; t++) {
                integer.dotRows(format.type(), data, from * rowBytes, rowBytes, to - from, q[t], cols, y, t * rows + from);
            }
        });
    }

    // the calling thread's batch activations, kept between products (a 512-token prompt's are ~6 MB)
    private static final ThreadLocal<QuantizedActivations[]> BATCH_ACTIVATIONS =
            ThreadLocal.withInitial(() -> new QuantizedActivations[2]);

    /**
     * {@link #matMul} for a batch on the native integer kernels: every vector, step or prompt token, quantized once
     * as llama.cpp quantizes it, then one pass over the weights for all of them ({@link NativeIntegerKernels#dotTile},
     * register-blocked over rows and vectors). Each result is the single-vector kernel's, which is ggml's vec_dot,
     * bit for bit: a sequence decoded beside others gets exactly what it gets alone, a prompt gives the same
     * activations however it is split into passes, and prompt tokens agree with steps.
     */
    private void matMulNative(NativeIntegerKernels nat, WorkerPool pool, float[] x, int n, float[] y) {
        GgmlType activationType = IntegerKernels.activationType(format.type());
        QuantizedActivations[] cached = BATCH_ACTIVATIONS.get();
        int slot = activationType == GgmlType.Q8_K ? 0 : 1;
        QuantizedActivations held = cached[slot];
        if (held == null || (long) held.capacity() < (long) n * cols) {
            held = new QuantizedActivations(activationType, n * cols, false);
            cached[slot] = held;
        }
        QuantizedActivations a = held.holdVectors(n, cols);
        pool.parallelFor(n, (from, to) -> a.quantizeVectors(x, 0, cols, from, to));
        pool.parallelFor(rows, (from, to) ->
                nat.dotTile(format.type(), data, from * rowBytes, rowBytes, to - from, a, cols, n, y, from, rows));
    }

    /**
     * Floats of weights a worker decodes at a time for prompt products: a tile that stays in L2 (480 KB; Zen 4
     * has 1 MB per core). Each four tokens' activations are reused by every row of the tile, so a tile of 12
     * rows of 10240 (ffn_down) streams them from L3 a third as often as 4 rows: 1.07-1.12x on those matrices,
     * no change on 2560-wide ones.
     */
    private static final int PROMPT_TILE_FLOATS = 120 * 1024;

    /**
     * Rows [from, to) times n prompt vectors (x from {@code xAt}, {@code xStride} apart, in the format's form
     * order), into y from {@code yAt} (stride rows): tiles of rows decoded to floats, each tile multiplied with
     * every vector while it is in cache.
     */
    private void promptProducts(float[] x, int xAt, int xStride, int n, float[] y, int yAt, int from, int to) {
        if (n == 0) {
            return;
        }
        int tile = Math.max(4, Math.min(32, PROMPT_TILE_FLOATS / cols) & ~3);
        float[] decoded = PREPARED.get();
        if (decoded.length < tile * cols) {
            decoded = new float[tile * cols];
            PREPARED.set(decoded);
        }
        for (int r0 = from; r0 < to; r0 += tile) {
            int count = Math.min(tile, to - r0);
            for (int i = 0; i < count; i++) {
                format.dequantizeInFormOrder(data, (r0 + i) * rowBytes, decoded, i * cols, cols);
            }
            FloatGemm.multiply(decoded, 0, count, cols, x, xAt, xStride, n, y, yAt + r0, rows);
        }
    }

    /** Batches of at least this many vectors decode each weight row once (to floats) for all of them. */
    public static final int PREPARE_FROM = 3;

    private static final int PREPARED_TILE_FLOATS = 48 * 1024;

    // per worker thread: one tile of prepared or decoded rows (the pool's threads are persistent, so allocated once)
    private static final ThreadLocal<float[]> PREPARED = ThreadLocal.withInitial(() -> new float[0]);

    /**
     * For {@code n} activation vectors stored back to back in x (stride cols) computes the products into y
     * (stride rows), rows [from, to), with {@code form} the format's {@link TensorFormat#activationForm} of each
     * vector (stride {@link #formLength}, from {@code formAt}). Rows go in groups of {@link #ROW_GROUP}: each
     * group is read once and reused for every vector while it is in cache.
     */
    private void matMulAt(float[] x, int n, float[] form, int formAt, float[] y, int from, int to) {
        if (n == 0) {
            return;
        }
        int fl = formLength();
        if (n > 1 && format.dotsFourInRegisters()) {
            // the format decodes each weight once for four vectors, in registers: no prepared rows (for
            // fewer than four the per-vector kernel costs less than preparing)
            for (int r = from; r < to; r += ROW_GROUP) {
                int count = Math.min(ROW_GROUP, to - r);
                long off = r * rowBytes;
                int t = 0;
                for (; t + 4 <= n; t += 4) {
                    for (int i = 0; i < count; i++) {
                        format.dot4(data, off + i * rowBytes, x, t * cols, cols, form, formAt + t * fl, fl, cols, y,
                                t * rows + r + i, rows);
                    }
                }
                for (; t < n; t++) {
                    format.dotRows(data, off, rowBytes, count, x, t * cols, form, formAt + t * fl, cols, y, t * rows + r);
                }
            }
            return;
        }
        int pl = format.preparedRowLength(cols);
        if (n >= PREPARE_FROM && pl > 0) {
            // A tile of prepared rows that stays in L2 (~192 KB) meets each vector in turn: each vector is
            // then read from L1 for all the tile's rows instead of streaming the whole batch from L3 per row.
            int tile = Math.max(1, Math.min(16, PREPARED_TILE_FLOATS / pl));
            float[] tileBuf = PREPARED.get();
            if (tileBuf.length < tile * pl) {
                tileBuf = new float[tile * pl];
                PREPARED.set(tileBuf);
            }
            for (int r0 = from; r0 < to; r0 += tile) {
                int count = Math.min(tile, to - r0);
                for (int i = 0; i < count; i++) {
                    format.prepareRow(data, (r0 + i) * rowBytes, cols, tileBuf, i * pl);
                }
                int t = 0;
                // four vectors per pass over each prepared row: a row's floats are loaded once for the four
                for (; t + 4 <= n; t += 4) {
                    for (int i = 0; i < count; i++) {
                        format.dotPrepared4(tileBuf, i * pl, x, t * cols, cols, form, formAt + t * fl, fl, cols, y,
                                t * rows + r0 + i, rows);
                    }
                }
                for (; t < n; t++) {
                    int yo = t * rows + r0;
                    int xo = t * cols;
                    int so = formAt + t * fl;
                    for (int i = 0; i < count; i++) {
                        y[yo + i] = format.dotPrepared(tileBuf, i * pl, x, xo, form, so, cols);
                    }
                }
            }
            return;
        }
        for (int r = from; r < to; r += ROW_GROUP) {
            int count = Math.min(ROW_GROUP, to - r);
            long off = r * rowBytes;
            for (int t = 0; t < n; t++) {
                format.dotRows(data, off, rowBytes, count, x, t * cols, form, formAt + t * fl, cols, y, t * rows + r);
            }
        }
    }
}
