package org.medgemma4j.tensor;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Set;

/**
 * The optional native dot kernels (core/src/main/c, built by the Maven build where a C compiler is present),
 * called through FFM. The variant is chosen by the CPU's features (/proc/cpuinfo): AVX-512 VNNI where the
 * CPU has it, else AVX2 + FMA + F16C, else none. {@code -Dmedgemma.native.kernels=PATH} names a library
 * to load instead; {@code =off} disables it. Same integer arithmetic as the Java kernels: same results. The
 * AVX-512 build also holds the two vector loops of attention over an F16 cache, which need the half conversions
 * the Vector API lacks ({@link #attentionScoresF16}, {@link #attentionValuesF16}).
 */
public final class NativeIntegerKernels implements IntegerKernels {

    private static final String RESOURCE_DIR = "/native/linux-x86_64/";
    private static final int VERSION = 3;

    private static Optional<IntegerKernels> loaded;
    private static String why = "not loaded yet";

    private final MethodHandle dotRows;
    private final MethodHandle dotTile;
    private final MethodHandle attnScores;
    private final MethodHandle attnValues;
    private final String variant;

    private NativeIntegerKernels(MethodHandle dotRows, MethodHandle dotTile, MethodHandle attnScores,
            MethodHandle attnValues, String variant) {
        this.dotRows = dotRows;
        this.dotTile = dotTile;
        this.attnScores = attnScores;
        this.attnValues = attnValues;
        this.variant = variant;
    }

    /** The library for this CPU, loaded once; empty where none is built or the CPU lacks its features. */
    public static synchronized Optional<IntegerKernels> load() {
        if (loaded == null) {
            try {
                loaded = Optional.ofNullable(tryLoad());
            } catch (RuntimeException | IOException | LinkageError e) {
                why = "failed to load: " + e;
                loaded = Optional.empty();
            }
        }
        return loaded;
    }

    /** Why {@link #load} found no library (for --verbose and errors). */
    public static synchronized String unavailableReason() {
        load();
        return why;
    }

    /** Which build runs: "avx512vnni", "avx2" or a file name. */
    public String variant() {
        return variant;
    }

    private static NativeIntegerKernels tryLoad() throws IOException {
        String property = System.getProperty("medgemma.native.kernels", "");
        if (property.equals("off")) {
            why = "disabled by -Dmedgemma.native.kernels=off";
            return null;
        }
        Path lib;
        String variant;
        if (!property.isEmpty()) {
            lib = Path.of(property);
            // the build's name where the file keeps the build's file name (libmedgemma-kernels-avx512vnni.so), so
            // that what depends on the build (the F16 attention loops) follows it
            variant = lib.getFileName().toString().replaceFirst("^libmedgemma-kernels-", "").replaceFirst("\\.so$", "");
        } else {
            String arch = System.getProperty("os.arch");
            if (!System.getProperty("os.name").startsWith("Linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
                why = "no native kernels for " + System.getProperty("os.name") + " " + arch;
                return null;
            }
            Set<String> flags = CpuFeatures.flags();
            if (flags.containsAll(Set.of("avx512_vnni", "avx512vl", "avx512bw", "avx2", "fma", "f16c"))) {
                variant = "avx512vnni";
            } else if (flags.containsAll(Set.of("avx2", "fma", "f16c"))) {
                variant = "avx2";
            } else {
                why = "the CPU has no AVX2/FMA/F16C";
                return null;
            }
            lib = extract("libmedgemma-kernels-" + variant + ".so");
            if (lib == null && variant.equals("avx512vnni")) {
                variant = "avx2";
                lib = extract("libmedgemma-kernels-avx2.so");
            }
            if (lib == null) {
                why = "not built (no C compiler when this was built)";
                return null;
            }
        }
        NativeIntegerKernels kernels = open(lib, variant);
        why = kernels != null ? "loaded" : lib + " is not version " + VERSION + " of the kernels (a stale build)";
        return kernels;
    }

    /**
     * The named build ("avx2", "avx512vnni") opened on its own, not cached and not the process-wide choice: for
     * tests that hold every build this CPU can run to the same results. Empty where it is not built or this CPU
     * lacks its features.
     */
    static Optional<NativeIntegerKernels> loadVariant(String variant) throws IOException {
        Set<String> needs = variant.equals("avx512vnni")
                ? Set.of("avx512_vnni", "avx512vl", "avx512bw", "avx2", "fma", "f16c")
                : Set.of("avx2", "fma", "f16c");
        if (!CpuFeatures.flags().containsAll(needs)) {
            return Optional.empty();
        }
        Path lib = extract("libmedgemma-kernels-" + variant + ".so");
        return lib == null ? Optional.empty() : Optional.ofNullable(open(lib, variant));
    }

    /** Binds the library's entry points; null where it is another version of the kernels. */
    private static NativeIntegerKernels open(Path lib, String variant) {
        SymbolLookup symbols = SymbolLookup.libraryLookup(lib, Arena.global());
        Linker linker = Linker.nativeLinker();
        int version = (int) invoke(linker.downcallHandle(symbols.find("medgemma_kernels_version").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT)));
        if (version != VERSION) {
            return null;
        }
        // critical: no thread-state transition per call, and heap arrays (activations, results) passed in place
        MethodHandle dotRows = linker.downcallHandle(symbols.find("medgemma_dot_rows").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                        ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                        ValueLayout.ADDRESS),
                Linker.Option.critical(true));
        MethodHandle dotTile = linker.downcallHandle(symbols.find("medgemma_dot_tile").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                        ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                        ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG),
                Linker.Option.critical(true));
        FunctionDescriptor attn = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                ValueLayout.JAVA_INT, ValueLayout.ADDRESS);
        MethodHandle attnScores = linker.downcallHandle(symbols.find("medgemma_attn_scores_f16").orElseThrow(), attn,
                Linker.Option.critical(true));
        MethodHandle attnValues = linker.downcallHandle(symbols.find("medgemma_attn_values_f16").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                        ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                        ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT),
                Linker.Option.critical(true));
        return new NativeIntegerKernels(dotRows, dotTile, attnScores, attnValues, variant);
    }

    private static Object invoke(MethodHandle h) {
        try {
            return h.invoke();
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** The library from the classpath: in place when it is a file, else copied to a temporary file. */
    private static Path extract(String name) throws IOException {
        URL url = NativeIntegerKernels.class.getResource(RESOURCE_DIR + name);
        if (url == null) {
            return null;
        }
        if (url.getProtocol().equals("file")) {
            return Path.of(java.net.URI.create(url.toString()));
        }
        Path tmp = Files.createTempFile("medgemma-kernels-", ".so");
        tmp.toFile().deleteOnExit();
        try (InputStream in = url.openStream()) {
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
        }
        return tmp;
    }

    @Override
    public String name() {
        return "native";
    }

    @Override
    public boolean supports(GgmlType type) {
        return IntegerKernels.activationType(type) != null;
    }

    @Override
    public float dot(GgmlType type, MemorySegment weights, long offset, QuantizedActivations a, int n) {
        float[] y = new float[1];
        dotRows(type, weights, offset, 0, 1, a, n, y, 0);
        return y[0];
    }

    @Override
    public void dotRows(GgmlType type, MemorySegment weights, long offset, long rowBytes, int count,
            QuantizedActivations a, int n, float[] y, int yOffset) {
        if (n % type.blockSize != 0 || n > a.length() || IntegerKernels.activationType(type) != a.type()) {
            throw new IllegalArgumentException(n + " " + type + " weights against " + a.length() + " " + a.type() + " activations");
        }
        long span = (count - 1) * rowBytes + type.bytesFor(n);
        MemorySegment w = weights.asSlice(offset, span); // bounds-checked before C reads it
        MemorySegment out = MemorySegment.ofArray(y).asSlice(4L * yOffset, 4L * count);
        try {
            int rc = (int) dotRows.invokeExact(type.id, n, w, rowBytes, count, a.segment(), out);
            checkProduct(rc, type, n, 1);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    /**
     * A product's return code ({@code vectors} of n values): -2 when its per-vector precomputation found no memory,
     * -1 for a type it lacks. The message is built only on failure (this runs for every product).
     */
    private static void checkProduct(int rc, GgmlType type, int n, int vectors) {
        if (rc == -2) {
            throw new OutOfMemoryError("native kernels: no memory for the precomputed sums of " + vectors + " vector(s) of "
                    + n + " values");
        }
        if (rc != 0) {
            throw new IllegalStateException("native kernels have no " + type + " kernel");
        }
    }

    /**
     * A batch: {@code count} rows times {@code tokens} activation vectors of n values each (prompt tokens or
     * decode steps), quantized back to back in {@code a} (as {@link QuantizedActivations#quantizeVectors} lays
     * them out); {@code y[yOffset + t * yStride + r]} = row r's dot with vector t. One pass over the weights,
     * register-blocked over rows and vectors, and every dot bit for bit what {@link #dotRows} gives for that vector
     * alone.
     */
    public void dotTile(GgmlType type, MemorySegment weights, long offset, long rowBytes, int count,
            QuantizedActivations a, int n, int tokens, float[] y, int yOffset, int yStride) {
        if (n % type.blockSize != 0 || (long) n * tokens > a.length() || IntegerKernels.activationType(type) != a.type()) {
            throw new IllegalArgumentException(tokens + " x " + n + " " + type + " weights against " + a.length() + " "
                    + a.type() + " activations");
        }
        if (count == 0 || tokens == 0) {
            return;
        }
        if (count > yStride || yOffset + (long) (tokens - 1) * yStride + count > y.length) {
            throw new IllegalArgumentException(tokens + " tokens x " + count + " rows do not fit " + y.length + " results");
        }
        long span = (count - 1) * rowBytes + type.bytesFor(n);
        MemorySegment w = weights.asSlice(offset, span); // bounds-checked before C reads it
        MemorySegment out = MemorySegment.ofArray(y).asSlice(4L * yOffset);
        try {
            int rc = (int) dotTile.invokeExact(type.id, n, w, rowBytes, count, a.segment(),
                    IntegerKernels.activationType(type).bytesFor(n), tokens, out, (long) yStride);
            checkProduct(rc, type, n, tokens);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    /**
     * Whether the F16 attention loops run here: they need the AVX-512 build, and equal the Java ones (16-lane
     * F16Format.dot order) only where the Vector API's preferred species has 16 float lanes.
     */
    public boolean hasF16Attention() {
        return variant.startsWith("avx512") && Ggml.VECTOR && Ggml.L == 16;
    }

    /**
     * scores[p - lo] = the F16 key row of position p (ring row p % capacity, {@code rowBytes} apart, the head at
     * {@code headOffset} bytes) times q, for p in lo..hi: F16Format.dot's result bit for bit.
     */
    public void attentionScoresF16(MemorySegment keys, long rowBytes, int capacity, long headOffset, int lo, int hi,
            float[] q, int n, float[] scores) {
        checkRing(keys, rowBytes, capacity, headOffset, lo, hi, n);
        if (q.length < n || scores.length < hi - lo + 1) {
            throw new IllegalArgumentException(n + " query values, " + (hi - lo + 1) + " scores: arrays too short");
        }
        try {
            int rc = (int) attnScores.invokeExact(keys, rowBytes, capacity, headOffset, lo, hi, MemorySegment.ofArray(q), n,
                    MemorySegment.ofArray(scores));
            if (rc != 0) {
                throw new IllegalStateException("native F16 attention unavailable in " + variant + " for width " + n);
            }
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    /**
     * For p in lo..hi: acc = half(acc * scale[p - lo]) where that is not 1, then acc = half(v_p * weight[p - lo] +
     * acc), v_p the F16 value row of position p: the Java attention's value loop bit for bit.
     */
    public void attentionValuesF16(MemorySegment values, long rowBytes, int capacity, long headOffset, int lo, int hi,
            float[] scale, float[] weight, float[] acc, int n) {
        checkRing(values, rowBytes, capacity, headOffset, lo, hi, n);
        if (acc.length < n || scale.length < hi - lo + 1 || weight.length < hi - lo + 1) {
            throw new IllegalArgumentException(n + " values, " + (hi - lo + 1) + " positions: arrays too short");
        }
        try {
            int rc = (int) attnValues.invokeExact(values, rowBytes, capacity, headOffset, lo, hi,
                    MemorySegment.ofArray(scale), MemorySegment.ofArray(weight), MemorySegment.ofArray(acc), n);
            if (rc != 0) {
                throw new IllegalStateException("native F16 attention unavailable in " + variant + " for width " + n);
            }
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    // C reads every row it is given: bounds checked here, once per call
    private static void checkRing(MemorySegment rows, long rowBytes, int capacity, long headOffset, int lo, int hi, int n) {
        if (lo < 0 || hi < lo || capacity < 1 || headOffset < 0 || headOffset + 2L * n > rowBytes
                || rowBytes * capacity > rows.byteSize() || (hi - lo + 1) > capacity) {
            throw new IllegalArgumentException("positions " + lo + ".." + hi + " of a " + capacity + "-row ring of "
                    + rowBytes + "-byte rows (" + rows.byteSize() + " bytes), " + n + " halves at byte " + headOffset);
        }
    }

    /** What a downcall threw, as an unchecked exception: runtime exceptions and errors as they are. */
    private static RuntimeException unchecked(Throwable t) {
        if (t instanceof Error e) {
            throw e;
        }
        return t instanceof RuntimeException r ? r : new IllegalStateException(t);
    }
}
