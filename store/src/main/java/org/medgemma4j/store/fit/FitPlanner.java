package org.medgemma4j.store.fit;

import java.util.Locale;
import org.medgemma4j.model.Gemma3Config;
import org.medgemma4j.model.KvCache;
import org.medgemma4j.model.KvCacheType;
import org.medgemma4j.store.PrecisionGuard;

/**
 * Plans a model onto a machine: weights (sum of tensor bytes), KV cache (KvCache.bytesFor, what the
 * engine allocates) and compute buffers, against the accelerator first and RAM for what does not fit.
 */
public final class FitPlanner {

    /** Batch the engine prefills with, as llama.cpp's default micro-batch. */
    public static final int DEFAULT_BATCH = 512;
    /** Fraction of peak bandwidth decode reaches: llama.cpp measures 60-80% on GPUs; we assume 70%. */
    public static final double EFFICIENCY = 0.7;
    /** Held back on a discrete GPU for its driver context and allocator slack. */
    public static final long GPU_RESERVE = 512L << 20;
    static final double RULE_LOW = 0.30;
    static final double RULE_HIGH = 0.50;

    private FitPlanner() {
    }

    public static FitReport plan(ModelShape m, int context, KvCacheType kv, int batch, Machine machine) {
        Gemma3Config c = m.config();
        if (context < 1) {
            throw new IllegalArgumentException("context must be at least 1 token, got " + context);
        }
        long weights = m.weightBytes();
        long kvBytes = KvCache.bytesFor(c, context, batch, kv);
        long compute = ComputeBuffers.bytes(c, batch);
        long total = weights + kvBytes + compute;
        long allGlobal = 2L * c.blockCount() * context * kv.rowBytes(c.headCountKv() * c.keyLength());

        Device target = machine.gpu().orElse(machine.ram());
        long budget = budget(target);
        long ram = machine.ram().memoryBytes();
        FitReport.Verdict verdict;
        int gpuLayers;
        long onGpu;
        if (total <= budget) {
            verdict = FitReport.Verdict.FITS;
            gpuLayers = machine.gpu().isPresent() ? c.blockCount() : 0;
            onGpu = machine.gpu().isPresent() ? total : 0;
        } else if (machine.gpu().isPresent()) {
            gpuLayers = layersThatFit(m, context, kv, batch, budget - compute);
            onGpu = compute + gpuPart(m, context, kv, batch, gpuLayers);
            verdict = total - onGpu <= ram ? FitReport.Verdict.PARTIAL_OFFLOAD : FitReport.Verdict.DOES_NOT_FIT;
        } else {
            verdict = FitReport.Verdict.DOES_NOT_FIT;
            gpuLayers = 0;
            onGpu = 0;
        }
        return new FitReport(c.name(), context, kv.name().toLowerCase(Locale.ROOT), batch,
                weights, kvBytes, compute, total, m.visionBytes(), allGlobal,
                (long) (weights * RULE_LOW), (long) (weights * RULE_HIGH),
                machine.name(), target.name(), target.memoryBytes(), ram,
                verdict, gpuLayers, c.blockCount(),
                maxContext(m, kv, batch, budget), tokensPerSecond(machine, weights + kvBytes, onGpu, verdict),
                EFFICIENCY, PrecisionGuard.check(m.matrixElementsByType()).orElse(null));
    }

    private static long budget(Device d) {
        return d.kind() == Device.Kind.GPU ? Math.max(0, d.memoryBytes() - GPU_RESERVE) : d.memoryBytes();
    }

    /** Bytes of layer l's KV cache: the engine's rule (KvCache.capacityOf), per layer. */
    static long layerKv(Gemma3Config c, int l, int context, KvCacheType kv, int batch) {
        int positions = c.isSliding(l) ? Math.min(context, c.slidingWindow() + batch - 1) : context;
        return 2L * positions * kv.rowBytes(c.headCountKv() * c.keyLength());
    }

    private static long gpuPart(ModelShape m, int context, KvCacheType kv, int batch, int layers) {
        long n = 0;
        for (int l = 0; l < layers; l++) {
            n += m.layerBytes(l) + layerKv(m.config(), l, context, kv, batch);
        }
        return n;
    }

    // llama.cpp's -ngl: the first K layers with their KV on the GPU, embeddings and the rest in RAM.
    private static int layersThatFit(ModelShape m, int context, KvCacheType kv, int batch, long room) {
        int k = 0;
        long used = 0;
        while (k < m.config().blockCount()) {
            long next = m.layerBytes(k) + layerKv(m.config(), k, context, kv, batch);
            if (used + next > room) {
                break;
            }
            used += next;
            k++;
        }
        return k;
    }

    /** The largest context whose weights, KV and buffers all fit in the budget (binary search). */
    static int maxContext(ModelShape m, KvCacheType kv, int batch, long budget) {
        return maxContext(m, kv, batch, budget, 1);
    }

    /** As above, for {@code sequences} contexts of that size beside one copy of the model (server slots). */
    static int maxContext(ModelShape m, KvCacheType kv, int batch, long budget, int sequences) {
        long fixed = m.weightBytes() + ComputeBuffers.bytes(m.config(), batch);
        int lo = 0;
        int hi = m.config().contextLength();
        while (lo < hi) {
            int mid = lo + (hi - lo + 1) / 2;
            if (fixed + sequences * KvCache.bytesFor(m.config(), mid, batch, kv) <= budget) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /**
     * Decode reads every weight and the KV cache once per token: time = bytes on each device / its
     * bandwidth x EFFICIENCY. An estimate, not a measurement.
     */
    private static Double tokensPerSecond(Machine machine, long bytesPerToken, long onGpu, FitReport.Verdict v) {
        if (v == FitReport.Verdict.DOES_NOT_FIT) {
            return null;
        }
        double gpuBw = machine.gpu().map(Device::bandwidthGBs).orElse(0.0) * 1e9 * EFFICIENCY;
        double ramBw = machine.ram().bandwidthGBs() * 1e9 * EFFICIENCY;
        long gpuBytes = Math.min(onGpu, bytesPerToken);
        long ramBytes = bytesPerToken - gpuBytes;
        if (gpuBytes > 0 && gpuBw == 0 || ramBytes > 0 && ramBw == 0) {
            return null;
        }
        double seconds = (gpuBytes > 0 ? gpuBytes / gpuBw : 0) + (ramBytes > 0 ? ramBytes / ramBw : 0);
        return seconds == 0 ? null : 1 / seconds;
    }
}
