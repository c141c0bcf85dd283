package org.medgemma4j.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.medgemma4j.generate.LoadedModel;
import org.medgemma4j.gguf.GgufFile;
import org.medgemma4j.model.Gemma3Config;
import org.medgemma4j.model.KvCacheType;
import org.medgemma4j.server.MedgemmaServer;
import org.medgemma4j.server.Origins;
import org.medgemma4j.server.ServerConfig;
import org.medgemma4j.store.DefaultModel;
import org.medgemma4j.store.ModelResolver;
import org.medgemma4j.store.fit.MemoryGuard;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code medgemma serve -m MODEL}: the Ollama- and OpenAI-compatible HTTP server. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve a model over Ollama's and OpenAI's HTTP APIs (127.0.0.1 unless --host says otherwise). Research use only.")
final class ServeCommand implements Callable<Integer> {

    @Option(names = {"-m", "--model"}, paramLabel = "MODEL", description = "a GGUF file, a pulled reference "
            + "(hf.co/ORG/REPO:QUANT) or an Ollama model name (default: `medgemma config default-model`, or the only model pulled)")
    String model;

    @Option(names = {"-ngl", "--n-gpu-layers", "--gpu-layers"}, paramLabel = "N",
            description = "accepted as llama.cpp takes it; ignored with a note (no GPU path yet)")
    Integer gpuLayers;

    @Option(names = "--max-memory", paramLabel = "SIZE",
            description = "memory the server may use, e.g. 8G (default: MEDGEMMA_MAX_MEMORY, else what is available); "
                    + "slots that would not fit are refused before anything is allocated")
    String maxMemory;

    @Option(names = "--name", paramLabel = "NAME", description = "the model name clients use (default: the file name without .gguf)")
    String name;

    @Option(names = "--host", paramLabel = "HOST", description = "address to bind (default ${DEFAULT-VALUE}; other hosts need --api-key)")
    String host = "127.0.0.1";

    @Option(names = "--port", paramLabel = "P", description = "port (default ${DEFAULT-VALUE}, Ollama's)")
    int port = 11434;

    @Option(names = "--parallel", paramLabel = "N", description = "requests decoded together (default ${DEFAULT-VALUE})")
    int parallel = 4;

    @Option(names = {"-c", "--ctx-size", "--ctx"}, paramLabel = "N", description = "context tokens per request slot (default ${DEFAULT-VALUE})")
    int ctx = 4096;

    @Option(names = {"-b", "--batch-size", "--batch"}, paramLabel = "N", description = "most tokens per forward pass (default ${DEFAULT-VALUE})")
    int batch = 64;

    @Option(names = "--queue", paramLabel = "N", description = "requests that may wait for a slot; more get 503 (default ${DEFAULT-VALUE})")
    int queue = 64;

    @Option(names = "--kernels", paramLabel = "KIND",
            description = "decode kernels: auto (default: native integer kernels where built and the CPU runs them, else java), "
                    + "java (pure-Java float kernels), java-int (pure-Java integer kernels, llama.cpp's arithmetic), native")
    void kernels(String kind) {
        org.medgemma4j.tensor.KernelChoice.select(org.medgemma4j.tensor.KernelChoice.parse(kind));
    }

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "compute threads (default: all cores, ${DEFAULT-VALUE})")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--api-key", paramLabel = "KEY", defaultValue = "${env:MEDGEMMA_API_KEY}",
            description = "require 'Authorization: Bearer KEY' on every route but /health (or set MEDGEMMA_API_KEY)")
    String apiKey;

    @Option(names = "--max-body", paramLabel = "BYTES", description = "largest request body (default ${DEFAULT-VALUE})")
    int maxBody = 1 << 20;

    @Option(names = "--log-text", description = "log prompts and answers (off by default: medical text may identify patients)")
    boolean logText;

    @Option(names = "--origins", paramLabel = "ORIGIN", split = ",", defaultValue = "${env:OLLAMA_ORIGINS}",
            description = "more browser origins allowed to call the server (CORS), comma-separated, * as wildcard "
                    + "(default: OLLAMA_ORIGINS; pages on localhost are always allowed)")
    List<String> origins;

    @Option(names = "--index", paramLabel = "DIR", description = "a literature index (index add): serves POST /api/ask over it")
    java.nio.file.Path index;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (threads < 1) {
            throw new IllegalArgumentException("--threads must be at least 1");
        }
        boolean loopback = host.equals("127.0.0.1") || host.equals("localhost") || host.equals("::1");
        if (!loopback && apiKey == null) {
            spec.commandLine().getErr().println("medgemma: warning: serving on " + host + " without --api-key: anyone who can reach it can use it");
        }
        GpuLayers.note(gpuLayers, spec.commandLine().getErr());
        if (model == null) {
            model = DefaultModel.fromEnvironment().choose();
        }
        Path file = ModelResolver.fromEnvironment().resolve(model);
        // A file is served under its name without .gguf; a store or Ollama reference under the reference itself.
        String modelName = name != null ? name
                : file.toString().equals(model) || model.toLowerCase(java.util.Locale.ROOT).endsWith(".gguf")
                ? file.getFileName().toString().replaceFirst("(?i)\\.gguf$", "") : model;
        ServerConfig config = new ServerConfig(modelName, host, port, parallel, ctx, batch, queue, apiKey, maxBody, logText,
                Origins.withDefaults(origins));
        try (GgufFile g = GgufFile.open(file)) {
            MemoryLimit limit = MemoryLimit.of(maxMemory);
            MemoryGuard.check(g, Math.min(ctx, Gemma3Config.from(g).contextLength()), parallel, KvCacheType.F16, batch,
                    limit.budget(), limit.source());
        }
        try (org.medgemma4j.retrieval.LuceneIndex idx = index == null ? null : org.medgemma4j.retrieval.LuceneIndex.open(index);
             LoadedModel m = LoadedModel.open(file, threads);
             MedgemmaServer server = MedgemmaServer.start(m, config, idx == null ? null : new org.medgemma4j.retrieval.GroundedAnswerer(
                     new org.medgemma4j.retrieval.Retriever(idx, null), org.medgemma4j.retrieval.RelevanceFloor.DEFAULT, 5))) {
            spec.commandLine().getErr().println("medgemma: serving " + modelName + " on http://" + host + ":" + server.port()
                    + " (" + parallel + " slots of " + ctx + " tokens)");
            spec.commandLine().getErr().flush();
            server.join();
        }
        return 0;
    }
}
