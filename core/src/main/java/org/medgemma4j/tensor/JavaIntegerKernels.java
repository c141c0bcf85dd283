package org.medgemma4j.tensor;

import java.lang.foreign.MemorySegment;

/** The pure-Java integer kernels (Vector API where the CPU has 512-bit vectors, else the lane-by-lane reference). */
public final class JavaIntegerKernels implements IntegerKernels {

    public static final JavaIntegerKernels INSTANCE = new JavaIntegerKernels();

    private JavaIntegerKernels() {
    }

    @Override
    public String name() {
        return "java";
    }

    @Override
    public boolean supports(GgmlType type) {
        return IntegerKernels.activationType(type) != null;
    }

    @Override
    public float dot(GgmlType type, MemorySegment w, long offset, QuantizedActivations a, int n) {
        int blocks = n / type.blockSize;
        return switch (type) {
            case Q4_K -> IntegerDotReference.dotQ4_K(w, offset, a, blocks);
            case Q6_K -> IntegerDotReference.dotQ6_K(w, offset, a, blocks);
            case Q8_0 -> IntegerDotReference.dotQ8_0(w, offset, a, blocks);
            default -> throw new IllegalArgumentException("no integer kernel for " + type);
        };
    }
}
