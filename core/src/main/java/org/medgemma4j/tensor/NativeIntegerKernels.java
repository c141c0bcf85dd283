package org.medgemma4j.tensor;

import java.lang.foreign.MemorySegment;
import java.util.Optional;

/** Placeholder until the native library lands. */
public final class NativeIntegerKernels implements IntegerKernels {
    static Optional<IntegerKernels> load() {
        return Optional.empty();
    }
    public String name() { return "native"; }
    public boolean supports(GgmlType type) { return false; }
    public float dot(GgmlType type, MemorySegment w, long offset, QuantizedActivations a, int n) { throw new UnsupportedOperationException(); }
}
