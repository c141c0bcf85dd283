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
            y[yOff + r] = format.dotSingle(data, r * rowBytes, x, xOff, cols);
        }
    }

    /**
     * For {@code n} activation vectors stored back to back in x (stride cols) computes the products into y
     * (stride rows), rows [from, to): each weight row is read once and reused for every vector while it is
     * in cache.
     */
    public void matMul(float[] x, int n, float[] y, int from, int to) {
        if (n == 1) {
            matVec(x, 0, y, 0, from, to); // llama.cpp's vec_dot order for one vector, tinyBLAS's for more
            return;
        }
        for (int r = from; r < to; r++) {
            long off = r * rowBytes;
            for (int t = 0; t < n; t++) {
                y[t * rows + r] = format.dot(data, off, x, t * cols, cols);
            }
        }
    }

    /**
     * The full product for n vectors, rows split across the pool, with the activations first rounded as
     * llama.cpp rounds them for this weight type ({@link ActivationRounding}); {@code scratch} holds the
     * rounded copy (at least n * cols floats).
     */
    public void matMul(WorkerPool pool, float[] x, int n, float[] y, float[] scratch) {
        float[] in = x;
        if (ActivationRounding.rounds(format.type())) {
            ActivationRounding.round(format.type(), x, 0, scratch, 0, n * cols);
            in = scratch;
        }
        float[] input = in;
        pool.parallelFor(rows, (from, to) -> matMul(input, n, y, from, to));
    }
}
