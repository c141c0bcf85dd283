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
     * How many floats {@link #activationForm} writes for {@code n} activations (0: this format's kernels
     * read x as it is).
     */
    default int activationFormLength(int n) {
        return 0;
    }

    /**
     * The activations as this format's kernels read them, computed once per vector and shared by every row
     * (ggml converts activations to a weight type's vec_dot_type the same way): x in the order in which the
     * kernels decode weights, each possibly times a power of two that the kernels' decoded weights undo
     * exactly, and per-block sums. A format with a form reads the activations only from it in
     * {@link #dotRows} and {@link #dot4} (their x arguments may then be the unrounded activations).
     */
    default void activationForm(float[] x, int xOffset, int n, float[] out, int outOffset) {
    }

    /**
     * The {@code n} weights at {@code offset} as floats, each exactly as {@link #dequantize} gives it, in the order
     * in which this format's {@link #activationForm} holds x (storage order when it has no form), divided by the
     * power of two by which the form scales that x: such a row meets the form's first {@code n} floats, or the
     * rounded x, in a plain dot product, each product the same float as weight times x. Prompt batches decode
     * rows this way once and multiply them with every token ({@link WeightMatrix}).
     */
    default void dequantizeInFormOrder(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        dequantize(src, offset, dst, dstOffset, n);
    }

    /**
     * {@code y[yOffset + i] = dot(row i)} for {@code count} rows stored {@code rowBytes} apart from {@code offset},
     * with {@code form} the {@link #activationForm} of the same x. Gives for every row exactly what
     * {@link #dot} gives (results do not depend on how rows are grouped or split across threads); formats
     * override it with kernels that compute several rows per pass over x.
     */
    default void dotRows(MemorySegment weights, long offset, long rowBytes, int count, float[] x, int xOffset,
            float[] form, int formOffset, int n, float[] y, int yOffset) {
        for (int i = 0; i < count; i++) {
            y[yOffset + i] = dot(weights, offset + i * rowBytes, x, xOffset, n);
        }
    }

    /**
     * Whether {@link #dot4} decodes each weight once for its four vectors (batches then use it instead of
     * prepared rows).
     */
    default boolean dotsFourInRegisters() {
        return false;
    }

    /**
     * {@link #dotRows} of one stored row with four vectors (x at {@code xOffset + t * xStride}, its form at
     * {@code formOffset + t * formStride}, results to {@code y[yOffset + t * yStride]}, t = 0..3); every
     * result is bit for bit what dotRows gives for that vector.
     */
    default void dot4(MemorySegment weights, long offset, float[] x, int xOffset, int xStride, float[] form,
            int formOffset, int formStride, int n, float[] y, int yOffset, int yStride) {
        for (int t = 0; t < 4; t++) {
            dotRows(weights, offset, 0, 1, x, xOffset + t * xStride, form, formOffset + t * formStride, n, y,
                    yOffset + t * yStride);
        }
    }

    /**
     * Floats {@link #prepareRow} writes for a row of {@code n} weights; 0 when this format has no prepared
     * form (batches then use {@link #dotRows} per vector).
     */
    default int preparedRowLength(int n) {
        return 0;
    }

    /**
     * The token-independent part of {@link #dot} for one row (its weights decoded to floats as the dot
     * kernel decodes them, and per-block scales), so that a batch of vectors pays for decoding once.
     */
    default void prepareRow(MemorySegment weights, long offset, int n, float[] out, int outOffset) {
        throw new UnsupportedOperationException();
    }

    /** {@link #dot} of a prepared row with x: bit for bit the same result. */
    default float dotPrepared(float[] row, int rowOffset, float[] x, int xOffset, float[] form, int formOffset, int n) {
        throw new UnsupportedOperationException();
    }

    /**
     * {@link #dotPrepared} of one prepared row with four vectors at once (x at {@code xOffset + t * xStride},
     * its form at {@code formOffset + t * formStride}, results to {@code y[yOffset + t * yStride]}, t = 0..3):
     * each prepared weight is loaded once for the four, and every result is bit for bit its
     * {@link #dotPrepared}.
     */
    default void dotPrepared4(float[] row, int rowOffset, float[] x, int xOffset, int xStride, float[] form,
            int formOffset, int formStride, int n, float[] y, int yOffset, int yStride) {
        for (int t = 0; t < 4; t++) {
            y[yOffset + t * yStride] = dotPrepared(row, rowOffset, x, xOffset + t * xStride, form,
                    formOffset + t * formStride, n);
        }
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
