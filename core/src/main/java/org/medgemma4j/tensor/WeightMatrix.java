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

    /** Scratch floats {@link #matMul(WorkerPool, float[], int, float[], float[])} needs for n vectors of width cols. */
    public static int scratchLength(int n, int cols) {
        return Math.max(n * cols, n * (cols + cols / 16 + 16) + cols);
    }

    private static final float[] NO_FORM = new float[0];

    /**
     * The full product for n vectors, rows split across the pool, with the activations first rounded as
     * llama.cpp rounds them for this weight type ({@link ActivationRounding}); {@code scratch} holds the
     * rounded copy, or, for a format whose kernels read the activations in a form of their own, that form (at
     * least {@link #scratchLength} floats).
     */
    public void matMul(WorkerPool pool, float[] x, int n, float[] y, float[] scratch) {
        int fl = formLength();
        boolean rounds = ActivationRounding.rounds(format.type());
        if (fl > 0) {
            // the kernels read only the form: each vector is rounded into the scratch's last cols floats and
            // arranged from there, so no rounded copy of the whole batch is kept (it was 10 MB in a prefill pass)
            int rounded = n * fl;
            if (scratch.length < rounded + cols) {
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
            pool.parallelFor(rows, (from, to) -> matMulAt(x, n, form, 0, y, from, to));
            return;
        }
        float[] in = x;
        if (rounds) {
            if (scratch.length < n * cols) {
                scratch = new float[n * cols];
            }
            ActivationRounding.round(format.type(), x, 0, scratch, 0, n * cols);
            in = scratch;
        }
        float[] input = in;
        pool.parallelFor(rows, (from, to) -> matMulAt(input, n, NO_FORM, 0, y, from, to));
    }

    /** Batches of at least this many vectors decode each weight row once (to floats) for all of them. */
    public static final int PREPARE_FROM = 3;

    private static final int PREPARED_TILE_FLOATS = 48 * 1024;

    // per worker thread: one tile of prepared rows (the pool's threads are persistent, so allocated once)
    private static final ThreadLocal<float[]> PREPARED = ThreadLocal.withInitial(() -> new float[0]);

    /**
     * For {@code n} activation vectors stored back to back in x (stride cols) computes the products into y
     * (stride rows), rows [from, to), with {@code form} the format's {@link TensorFormat#activationForm} of each
     * vector (stride {@link #formLength}, from {@code formAt}). Rows go in groups of {@link #ROW_GROUP}: each
     * group is read once and reused for every vector while it is in cache.
     */
    private void matMulAt(float[] x, int n, float[] form, int formAt, float[] y, int from, int to) {
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
