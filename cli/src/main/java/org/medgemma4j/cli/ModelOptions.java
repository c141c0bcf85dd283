package org.medgemma4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import org.medgemma4j.generate.LoadedModel;
import org.medgemma4j.generate.Session;
import org.medgemma4j.model.KvCacheType;
import org.medgemma4j.store.DefaultModel;
import org.medgemma4j.store.ModelResolver;
import org.medgemma4j.store.ModelStore;
import org.medgemma4j.store.PrecisionGuard;
import org.medgemma4j.store.ResearchNotice;
import org.medgemma4j.store.fit.MemoryGuard;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options shared by every command that runs a model. */
final class ModelOptions {

    @Option(names = {"-m", "--model"}, paramLabel = "MODEL",
            description = "a GGUF file, a pulled reference (hf.co/ORG/REPO:QUANT) or an Ollama model name "
                    + "(default: `medgemma config default-model`, or the only model pulled)")
    String model;

    @Mixin
    GpuLayers gpuLayers = new GpuLayers();

    @Option(names = "--max-memory", paramLabel = "SIZE",
            description = "memory this run may use, e.g. 8G (default: MEDGEMMA_MAX_MEMORY, else what is available); "
                    + "a context that would not fit is refused before anything is allocated")
    String maxMemory;

    @Mixin
    KernelsOption kernels;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "compute threads (default: all cores, ${DEFAULT-VALUE})")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = {"-c", "--ctx-size"}, paramLabel = "N", description = "context size in tokens (default ${DEFAULT-VALUE}; at most the model's)")
    int contextSize = 4096;

    @Option(names = "--kv-type", paramLabel = "TYPE", description = "KV cache type: f16 (default), f32 or q8_0")
    String kvType = "f16";

    @Option(names = {"-b", "--batch-size"}, paramLabel = "N", description = "prompt tokens per forward pass (default ${DEFAULT-VALUE})")
    int batchSize = 64;

    /**
     * Resolves and opens the model, warning on stderr about low-precision quantizations and, the first time
     * a MedGemma model runs, showing the research-use notice.
     */
    LoadedModel open(PrintWriter err) throws IOException {
        if (threads < 1) {
            throw new IllegalArgumentException("--threads must be at least 1");
        }
        gpuLayers.note(err);
        Path file = ModelResolver.fromEnvironment().resolve(reference());
        LoadedModel m = LoadedModel.open(file, threads);
        PrecisionGuard.check(m.model().file()).ifPresent(w -> err.println("warning: " + w));
        ResearchNotice.showOnce(m.model().config().name() + " " + file.getFileName(), ModelStore.fromEnvironment().home(), err);
        err.flush();
        return m;
    }

    /** The model reference given, or the default one. */
    String reference() throws IOException {
        return model != null ? model : DefaultModel.fromEnvironment().choose();
    }

    Session newSession(LoadedModel m) {
        return newSession(m, 1);
    }

    /**
     * A session whose passes take at least {@code minBatch} tokens: an image's embeddings go through the
     * text model in one pass (bidirectional attention), so with images the batch is raised to an image's size.
     */
    Session newSession(LoadedModel m, int minBatch) {
        int batchSize = Math.max(this.batchSize, minBatch);
        if (contextSize < 2 || batchSize < 1) {
            throw new IllegalArgumentException("--ctx-size must be at least 2 and --batch-size at least 1");
        }
        KvCacheType kv = KvCacheType.parse(kvType);
        int context = Math.min(contextSize, m.model().config().contextLength());
        MemoryLimit limit = MemoryLimit.of(maxMemory);
        try {
            MemoryGuard.check(m.model().file(), context, 1, kv, batchSize, limit.budget(), limit.source());
        } catch (org.medgemma4j.gguf.GgufException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return m.newSession(contextSize, kv, batchSize);
    }
}
