package org.medgemma4j.tensor;

import java.util.Locale;

/**
 * Which kernels compute the quantized matrix products, as {@code --kernels} names them:
 * <ul>
 * <li>{@code auto} (default): {@code native} for the weight types it covers where its library loaded, else {@code java};
 * <li>{@code java}: the pure-Java float kernels (Vector API; activations rounded as llama.cpp rounds them, weights
 * decoded to floats, float FMAs);
 * <li>{@code java-int}: the pure-Java integer kernels, llama.cpp's arithmetic (8-bit activations, integer block sums,
 * bit for bit ggml's vec_dot) for Q4_K, Q6_K and Q8_0, the float kernels for the other types;
 * <li>{@code native}: the native integer kernels ({@link NativeIntegerKernels}, same results as {@code java-int}); an
 * error where the library is not available.
 * </ul>
 * Where {@code native} (or {@code auto} with the library) covers the type, a batch, prompt tokens and the steps of
 * several sequences alike, takes the native batch product: one pass over the weights, every result the
 * single-vector kernel's. Otherwise steps take the selected dot kernels one vector at a time and prompt tokens the
 * float matrix product ({@link FloatGemm}). Attention over an F16 cache takes the native library's loops under
 * {@code auto}/{@code native} where its AVX-512 build loaded (the same results as the Java loops).
 */
public enum KernelChoice {
    AUTO, JAVA, JAVA_INT, NATIVE;

    private static volatile KernelChoice current = parse(System.getProperty("medgemma.kernels", "auto"));

    /** The option's spelling: auto, java, java-int, native. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static KernelChoice parse(String s) {
        for (KernelChoice c : values()) {
            if (c.label().equals(s.trim().toLowerCase(Locale.ROOT))) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown kernels '" + s + "': use auto, java, java-int or native");
    }

    /** The process-wide choice. */
    public static KernelChoice current() {
        return current;
    }

    /** Makes {@code choice} the process-wide choice; {@code native} where the library cannot load is an error. */
    public static void select(KernelChoice choice) {
        if (choice == NATIVE && NativeIntegerKernels.load().isEmpty()) {
            throw new IllegalArgumentException("--kernels native: the native kernels are "
                    + NativeIntegerKernels.unavailableReason() + "; use --kernels java or auto");
        }
        current = choice;
    }

    /** The integer kernels for weights of {@code type} under this choice, or null for the float kernels. */
    public IntegerKernels integerKernelsFor(GgmlType type) {
        if (IntegerKernels.activationType(type) == null) {
            return null;
        }
        return switch (this) {
            case JAVA -> null;
            case JAVA_INT -> JavaIntegerKernels.INSTANCE;
            case NATIVE, AUTO -> nativeKernels().orElse(null);
        };
    }

    /** The native library where this choice takes it ({@code auto}, {@code native}) and it loaded; else empty. */
    public java.util.Optional<NativeIntegerKernels> nativeKernels() {
        return this == AUTO || this == NATIVE
                ? NativeIntegerKernels.load().map(k -> (NativeIntegerKernels) k) : java.util.Optional.empty();
    }

    /**
     * What runs, for bench and --verbose: e.g. "auto: native avx512vnni (Q4_K, Q6_K, Q8_0, F16 attention; java float
     * kernels otherwise)".
     */
    public String describe() {
        var nat = NativeIntegerKernels.load();
        String native_ = nat.map(k -> "native " + ((NativeIntegerKernels) k).variant()).orElse(null);
        String covers = nat.map(k -> ((NativeIntegerKernels) k).hasF16Attention()).orElse(false)
                ? "Q4_K, Q6_K, Q8_0, F16 attention" : "Q4_K, Q6_K, Q8_0";
        return switch (this) {
            case JAVA -> "java (float kernels)";
            case JAVA_INT -> "java-int (integer kernels for Q4_K, Q6_K, Q8_0; float kernels otherwise)";
            case NATIVE -> native_ + " (" + covers + "; java float kernels otherwise)";
            case AUTO -> native_ != null
                    ? "auto: " + native_ + " (" + covers + "; java float kernels otherwise)"
                    : "auto: java (float kernels; native " + NativeIntegerKernels.unavailableReason() + ")";
        };
    }
}
