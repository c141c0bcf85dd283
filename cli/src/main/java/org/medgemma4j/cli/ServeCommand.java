package org.medgemma4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import org.medgemma4j.embed.EmbeddingModel;
import org.medgemma4j.gguf.GgufFile;
import org.medgemma4j.model.Gemma3Config;
import org.medgemma4j.model.KvCacheType;
import org.medgemma4j.privacy.audit.AnswerAudit;
import org.medgemma4j.privacy.audit.AuditLog;
import org.medgemma4j.retrieval.GemmaEmbedder;
import org.medgemma4j.retrieval.GroundedAnswerer;
import org.medgemma4j.retrieval.LuceneIndex;
import org.medgemma4j.retrieval.RelevanceFloor;
import org.medgemma4j.retrieval.Retriever;
import org.medgemma4j.server.KeepAlive;
import org.medgemma4j.server.MedgemmaServer;
import org.medgemma4j.server.ModelLibrary;
import org.medgemma4j.server.Origins;
import org.medgemma4j.server.ServerConfig;
import org.medgemma4j.store.HfClient;
import org.medgemma4j.store.ModelResolver;
import org.medgemma4j.store.ModelStore;
import org.medgemma4j.store.OllamaStore;
import org.medgemma4j.store.fit.MemoryGuard;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code medgemma serve [-m MODEL]...}: the Ollama- and OpenAI-compatible HTTP server. Without -m it serves every
 * model of our store and Ollama's by name, loading each on demand; with -m only those, loaded at start.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve models over Ollama's and OpenAI's HTTP APIs (127.0.0.1 unless --host says otherwise): "
                + "every pulled model (ours and Ollama's) by name, loaded on demand, or only those given with -m. Research use only.")
final class ServeCommand implements Callable<Integer> {

    @Option(names = {"-m", "--model"}, paramLabel = "MODEL", description = "serve only this model, loaded at start "
            + "(repeatable): a GGUF file, a pulled reference (hf.co/ORG/REPO:QUANT) or an Ollama model name "
            + "(default: every model in our store and Ollama's, loaded when a request names it)")
    List<String> models;

    @Option(names = "--keep-alive", paramLabel = "DURATION", defaultValue = "${env:OLLAMA_KEEP_ALIVE}",
            description = "how long a model loaded on demand stays loaded after its last request: 5m, 1h, seconds, "
                    + "negative for ever (default: OLLAMA_KEEP_ALIVE, else 5m; -m models stay until told otherwise)")
    String keepAlive;

    @Mixin
    GpuLayers gpuLayers = new GpuLayers();

    @Option(names = "--max-memory", paramLabel = "SIZE",
            description = "memory the loaded models may hold together, e.g. 8G (default: MEDGEMMA_MAX_MEMORY, else what is "
                    + "available); the least recently used idle model is unloaded to make room, and a model that cannot fit is refused")
    String maxMemory;

    @Option(names = "--name", paramLabel = "NAME", description = "with one -m, the model name clients use (default: the file name without .gguf)")
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

    @Mixin
    KernelsOption kernels;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "compute threads (default: all cores, ${DEFAULT-VALUE})")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--api-key", paramLabel = "KEY", defaultValue = "${env:MEDGEMMA_API_KEY}",
            description = "require 'Authorization: Bearer KEY' on every route but /health (or set MEDGEMMA_API_KEY)")
    String apiKey;

    @Option(names = "--max-body", paramLabel = "BYTES", description = "largest request body (default ${DEFAULT-VALUE}: images come base64 in the body)")
    int maxBody = 32 << 20;

    @Option(names = "--mmproj", paramLabel = "FILE",
            description = "with one -m, its image encoder (default: the mmproj*.gguf beside each model file)")
    Path mmproj;

    @Option(names = "--allow-image-urls", paramLabel = "SIZE", arity = "0..1", fallbackValue = "20M",
            description = "fetch http(s) image_url parts, each up to SIZE (default 20M when given); without it images come "
                    + "as data URIs or base64 only")
    String imageUrlLimit;

    @Option(names = "--deid", description = "de-identify prompts and answers (names, dates, places, numbers) before "
            + "anything is logged (with --log-text or --audit-text)")
    boolean deid;

    @Option(names = "--audit", paramLabel = "FILE", description = "append a JSON line per answer, on every API: model "
            + "SHA-256, settings, seed, prompt and answer hashes (as run --audit)")
    Path audit;

    @Option(names = "--audit-text", description = "also write each prompt and answer into the audit log (de-identified under --deid)")
    boolean auditText;

    @Option(names = "--log-text", description = "log prompts and answers (off by default: medical text may identify patients)")
    boolean logText;

    @Option(names = "--origins", paramLabel = "ORIGIN", split = ",", defaultValue = "${env:OLLAMA_ORIGINS}",
            description = "more browser origins allowed to call the server (CORS), comma-separated, * as wildcard "
                    + "(default: OLLAMA_ORIGINS; pages on localhost are always allowed)")
    List<String> origins;

    @Option(names = "--index", paramLabel = "DIR", description = "a literature index (index add): serves POST /api/ask over it "
            + "(hybrid when its vectors came from --embed-model, which is also served on /v1/embeddings and /api/embed)")
    Path index;

    @Mixin
    EmbeddingModelOptions embedding = new EmbeddingModelOptions();

    @Spec
    CommandSpec spec;

    /** The embedding model's name in responses: a file's name without .gguf, a reference as given. */
    private String embeddingName() {
        String ref = embedding.model;
        return ref.toLowerCase(Locale.ROOT).endsWith(".gguf")
                ? Path.of(ref).getFileName().toString().replaceFirst("(?i)\\.gguf$", "") : ref;
    }

    /** ask is hybrid when the index's vectors came from the served embedding model, else BM25 alone. */
    private static Retriever askRetriever(LuceneIndex idx, GemmaEmbedder embedder) throws IOException {
        try {
            return Retriever.forIndex(idx, embedder);
        } catch (IllegalArgumentException e) {
            return new Retriever(idx, null);
        }
    }

    @Override
    public Integer call() throws Exception {
        if (threads < 1) {
            throw new IllegalArgumentException("--threads must be at least 1");
        }
        if (auditText && audit == null) {
            throw new IllegalArgumentException("--audit-text needs --audit FILE");
        }
        if (audit != null) {
            AuditOptions.checkWritable(audit);
        }
        boolean loopback = host.equals("127.0.0.1") || host.equals("localhost") || host.equals("::1");
        if (!loopback && apiKey == null) {
            spec.commandLine().getErr().println("medgemma: warning: serving on " + host + " without --api-key: anyone who can reach it can use it");
        }
        gpuLayers.note(spec.commandLine().getErr());
        MemoryLimit limit = MemoryLimit.of(maxMemory);
        Duration keep = keepAlive == null || keepAlive.isBlank() ? Duration.ofMinutes(5) : KeepAlive.parse(keepAlive);
        ModelLibrary library;
        Map<String, Path> named = new LinkedHashMap<>();
        if (models == null || models.isEmpty()) {
            if (name != null) {
                throw new IllegalArgumentException("--name needs one -m MODEL");
            }
            library = ModelLibrary.stores(ModelStore.fromEnvironment(), OllamaStore.fromEnvironment());
        } else {
            if (name != null && models.size() > 1) {
                throw new IllegalArgumentException("--name names one model; give it with a single -m");
            }
            for (String model : models) {
                Path file = ModelResolver.fromEnvironment().resolve(model);
                // A file is served under its name without .gguf; a store or Ollama reference under the reference itself.
                String modelName = name != null ? name
                        : file.toString().equals(model) || model.toLowerCase(Locale.ROOT).endsWith(".gguf")
                        ? file.getFileName().toString().replaceFirst("(?i)\\.gguf$", "") : model;
                try (GgufFile g = GgufFile.open(file)) {
                    MemoryGuard.check(g, Math.min(ctx, Gemma3Config.from(g).contextLength()), parallel, KvCacheType.F16, batch,
                            limit.budget(), limit.source());
                }
                named.put(modelName, file);
            }
            library = ModelLibrary.of(named);
        }
        if (mmproj != null) {
            if (named.size() != 1) {
                throw new IllegalArgumentException("--mmproj names the image encoder of one model; give it with a single -m");
            }
            if (!java.nio.file.Files.isRegularFile(mmproj)) {
                throw new IllegalArgumentException(mmproj + ": no such file");
            }
            library.withMmproj(named.values().iterator().next(), mmproj);
        }
        long urlLimit = imageUrlLimit == null ? 0 : MemoryGuard.parseSize(imageUrlLimit);
        UnaryOperator<String> scrubber = deid ? DeidScrubber.standard() : UnaryOperator.identity();
        MedgemmaServer.PoolOptions pool = new MedgemmaServer.PoolOptions(threads, limit.budget(), limit.source(), keep,
                List.copyOf(named.keySet()), HfClient.fromEnvironment());
        // the audit writer outlives the server (closed after it), so an answer that ends while it stops is still recorded
        try (ServeAudit answers = audit == null ? null : new ServeAudit(new AnswerAudit(new AuditLog(audit), auditText, deid,
                scrubber, ModelStore.fromEnvironment().home()), spec.commandLine().getErr())) {
            // the settings are checked before the index or any model is opened
            ServerConfig config = new ServerConfig(named.isEmpty() ? "" : named.keySet().iterator().next(), host, port, parallel,
                    ctx, batch, queue, apiKey, maxBody, logText, Origins.withDefaults(origins), scrubber, urlLimit, answers);
            try (LuceneIndex idx = index == null ? null : LuceneIndex.open(index);
                 EmbeddingModel embedModel = embedding.open();
                 MedgemmaServer server = MedgemmaServer.start(library, pool, config, idx == null ? null
                         : new GroundedAnswerer(askRetriever(idx, embedding.embedder(embedModel)), RelevanceFloor.DEFAULT, 5),
                         embedModel, embedModel == null ? null : embeddingName())) {
                String what = named.isEmpty()
                        ? "every model of " + ModelStore.fromEnvironment().modelsDir() + " and " + OllamaStore.fromEnvironment().root()
                        + " (" + library.list().size() + " now), loaded on demand within " + limit.budget() / (1 << 20) + " MB,"
                        : String.join(", ", named.keySet());
                spec.commandLine().getErr().println("medgemma: serving " + what + " on http://" + host + ":" + server.port()
                        + " (" + parallel + " slots of " + ctx + " tokens)");
                spec.commandLine().getErr().flush();
                server.join();
            }
        }
        return 0;
    }
}
