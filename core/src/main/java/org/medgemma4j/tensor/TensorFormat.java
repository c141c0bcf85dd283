package org.medgemma4j.tensor;

import java.lang.foreign.MemorySegment;

/**
 * How one ggml weight type is laid out and computed with, separate from any model (as in ggml).
 * Weights are read straight from a (memory-mapped) segment; activations are float arrays.
 * Counts are in elements and must be whole blocks of {@link GgmlType#blockSize}.
 */
public interface TensorFormat {

    GgmlType type();

    /**
     * Decodes {@code n} values stored at byte {@code offset} of {@code src} into {@code dst}, exactly as
     * ggml's dequantize_row_&lt;type&gt; does (bit for bit).
     */
    void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int n);

    /** Dot product of {@code n} weights stored at {@code offset} with {@code x[xOffset .. xOffset+n)}. */
    float dot(MemorySegment weights, long offset, float[] x, int xOffset, int n);

    /**
     * The same product for a single activation vector: llama.cpp's CPU backend then runs its vec_dot
     * kernels instead of tinyBLAS, which add in another order. Formats emulating both override this.
     */
    default float dotSingle(MemorySegment weights, long offset, float[] x, int xOffset, int n) {
        return dot(weights, offset, x, xOffset, n);
    }

    /** Whether {@link #quantize} is implemented for this type. */
    default boolean canQuantize() {
        return false;
    }

    /**
     * Encodes {@code n} floats into {@code dst} at {@code offset}, bit-identical to ggml's
     * quantize_row_&lt;type&gt;_ref.
     */
    default void quantize(float[] src, int srcOffset, MemorySegment dst, long offset, int n) {
        throw new UnsupportedOperationException("quantizing to " + type() + " is not supported");
    }
}
