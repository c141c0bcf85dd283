package org.medgemma4j.cli;

import java.nio.file.Path;
import org.medgemma4j.generate.LoadedModel;
import org.medgemma4j.generate.Session;
import org.medgemma4j.gguf.GgufException;
import org.medgemma4j.model.KvCacheType;
import picocli.CommandLine.Option;

/** Options shared by every command that runs a model. */
final class ModelOptions {

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "MODEL", description = "the GGUF model file")
    Path model;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "compute threads (default: all cores, ${DEFAULT-VALUE})")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = {"-c", "--ctx-size"}, paramLabel = "N", description = "context size in tokens (default ${DEFAULT-VALUE}; at most the model's)")
    int contextSize = 4096;

    @Option(names = "--kv-type", paramLabel = "TYPE", description = "KV cache type: f16 (default), f32 or q8_0")
    String kvType = "f16";

    @Option(names = {"-b", "--batch-size"}, paramLabel = "N", description = "prompt tokens per forward pass (default ${DEFAULT-VALUE})")
    int batchSize = 64;

    LoadedModel open() throws GgufException {
        if (threads < 1) {
            throw new IllegalArgumentException("--threads must be at least 1");
        }
        return LoadedModel.open(model, threads);
    }

    Session newSession(LoadedModel m) {
        if (contextSize < 2 || batchSize < 1) {
            throw new IllegalArgumentException("--ctx-size must be at least 2 and --batch-size at least 1");
        }
        return m.newSession(contextSize, KvCacheType.parse(kvType), batchSize);
    }
}
