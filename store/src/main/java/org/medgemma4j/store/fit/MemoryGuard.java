package org.medgemma4j.store.fit;

import java.util.Locale;
import java.util.Optional;
import org.medgemma4j.gguf.GgufException;
import org.medgemma4j.gguf.GgufFile;
import org.medgemma4j.model.Gemma3Config;
import org.medgemma4j.model.KvCache;
import org.medgemma4j.model.KvCacheType;

/**
 * Checks, before anything is allocated, that a model with a context of this size fits the memory this run may
 * use, with {@code fit}'s arithmetic (weights + KV cache + compute buffers), so too large a context ends in one
 * line with the numbers and what would fit, never in an OutOfMemoryError. The budget is the memory available
 * now (MemAvailable), lowered by {@code --max-memory} or MEDGEMMA_MAX_MEMORY when set.
 */
public final class MemoryGuard {

    private MemoryGuard() {
    }

    /** The bytes this run may use: available memory, or the limit when it is lower. */
    public static long budget(Long limitBytes) {
        long available = Machine.detect().ram().memoryBytes();
        return limitBytes == null ? available : Math.min(available, limitBytes);
    }

    /** The limit from MEDGEMMA_MAX_MEMORY (a size such as 8G), if set. */
    public static Optional<Long> limitFromEnvironment() {
        String env = System.getenv("MEDGEMMA_MAX_MEMORY");
        return env == null || env.isBlank() ? Optional.empty() : Optional.of(parseSize(env));
    }

    /**
     * Throws IllegalArgumentException with one line when {@code sequences} contexts of {@code context} tokens
     * do not fit {@code budget} bytes beside the model.
     */
    public static void check(GgufFile file, int context, int sequences, KvCacheType kv, int batch, long budget, String limitSource)
            throws GgufException {
        ModelShape shape = ModelShape.of(file);
        Gemma3Config c = shape.config();
        long fixed = shape.weightBytes() + ComputeBuffers.bytes(c, batch);
        long kvBytes = sequences * KvCache.bytesFor(c, context, batch, kv); // each slot holds its own cache
        if (fixed + kvBytes <= budget) {
            return;
        }
        int fits = FitPlanner.maxContext(shape, kv, batch, budget, sequences); // per sequence
        String what = sequences > 1 ? sequences + " contexts of " + context + " tokens" : "a context of " + context + " tokens";
        String advice = fits >= 16
                ? "at most " + fits + " tokens fit" + (sequences > 1 ? " per slot" : "") + ": use -c " + fits
                : "the model and its buffers alone need " + size(fixed) + ": free memory, a smaller -b, or a smaller quantization";
        throw new IllegalArgumentException(String.format(Locale.ROOT,
                "%s with a %s KV cache needs %s (weights %s + KV cache %s + buffers %s) but %s is available%s; %s",
                what, kv.name().toLowerCase(Locale.ROOT), size(fixed + kvBytes), size(shape.weightBytes()), size(kvBytes),
                size(ComputeBuffers.bytes(c, batch)), size(budget), limitSource == null ? "" : " (" + limitSource + ")", advice));
    }

    /** What {@link #check} counts: weights, compute buffers and {@code sequences} KV caches of {@code context} tokens. */
    public static long bytesNeeded(GgufFile file, int context, int sequences, KvCacheType kv, int batch) throws GgufException {
        ModelShape shape = ModelShape.of(file);
        Gemma3Config c = shape.config();
        return shape.weightBytes() + ComputeBuffers.bytes(c, batch) + sequences * KvCache.bytesFor(c, context, batch, kv);
    }

    /** A size as people write it: 8G, 8GB, 512M, 512MiB, or plain bytes. */
    public static long parseSize(String text) {
        String s = text.strip().toUpperCase(Locale.ROOT).replace("IB", "").replace("B", "");
        long unit = 1;
        if (!s.isEmpty() && "KMGT".indexOf(s.charAt(s.length() - 1)) >= 0) {
            unit = 1L << (10 * ("KMGT".indexOf(s.charAt(s.length() - 1)) + 1));
            s = s.substring(0, s.length() - 1);
        }
        try {
            double v = Double.parseDouble(s.strip());
            if (v <= 0) {
                throw new NumberFormatException();
            }
            return (long) (v * unit);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a memory size (examples: 8G, 512M)");
        }
    }

    private static String size(long bytes) {
        return bytes >= 1L << 30 ? String.format(Locale.ROOT, "%.2f GB", bytes / (double) (1L << 30))
                : String.format(Locale.ROOT, "%.0f MB", bytes / (double) (1L << 20));
    }
}
