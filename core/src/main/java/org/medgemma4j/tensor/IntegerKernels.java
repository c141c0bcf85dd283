package org.medgemma4j.tensor;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * Dot products of quantized weight rows with 8-bit quantized activations ({@link QuantizedActivations}),
 * computed as llama.cpp's CPU vec_dot computes them: integer block sums, the same float scaling and order,
 * so every implementation gives ggml's result bit for bit. Implementations: {@link JavaIntegerKernels}
 * (Vector API, every platform) and {@link NativeIntegerKernels} (an optional C library, AVX2/AVX-512 VNNI).
 */
public interface IntegerKernels {

    /** "java" or "native" (what {@code --kernels} names and {@code bench} reports). */
    String name();

    /** Whether this implementation has a kernel for weights of {@code type}. */
    boolean supports(GgmlType type);

    /** One row of {@code n} weights of {@code type} at {@code offset} times the activations. */
    float dot(GgmlType type, MemorySegment weights, long offset, QuantizedActivations activations, int n);

    /** {@code y[yOffset + i]} = row i's dot for {@code count} rows {@code rowBytes} apart. */
    default void dotRows(GgmlType type, MemorySegment weights, long offset, long rowBytes, int count,
            QuantizedActivations activations, int n, float[] y, int yOffset) {
        for (int i = 0; i < count; i++) {
            y[yOffset + i] = dot(type, weights, offset + i * rowBytes, activations, n);
        }
    }

    /** The type llama.cpp quantizes activations to for weights of {@code type}, or null where no integer kernel exists. */
    static GgmlType activationType(GgmlType type) {
        return switch (type) {
            case Q4_K, Q6_K -> GgmlType.Q8_K;
            case Q8_0 -> GgmlType.Q8_0;
            default -> null;
        };
    }

    /** Every implementation that runs here: the Java one, then the native one where its library loaded. */
    static List<IntegerKernels> available() {
        List<IntegerKernels> all = new ArrayList<>();
        all.add(JavaIntegerKernels.INSTANCE);
        NativeIntegerKernels.load().ifPresent(all::add);
        return all;
    }
}
