package org.medgemma4j.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.medgemma4j.generate.LoadedModel;
import org.medgemma4j.server.MedgemmaServer;
import org.medgemma4j.server.ServerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code medgemma serve -m MODEL}: the Ollama- and OpenAI-compatible HTTP server. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve a model over Ollama's and OpenAI's HTTP APIs (127.0.0.1 unless --host says otherwise). Research use only.")
final class ServeCommand implements Callable<Integer> {

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "MODEL", description = "the GGUF model file")
    Path model;

    @Option(names = "--name", paramLabel = "NAME", description = "the model name clients use (default: the file name without .gguf)")
    String name;

    @Option(names = "--host", paramLabel = "HOST", description = "address to bind (default ${DEFAULT-VALUE}; other hosts need --api-key)")
    String host = "127.0.0.1";

    @Option(names = "--port", paramLabel = "P", description = "port (default ${DEFAULT-VALUE}, Ollama's)")
    int port = 11434;

    @Option(names = "--parallel", paramLabel = "N", description = "requests decoded together (default ${DEFAULT-VALUE})")
    int parallel = 4;

    @Option(names = "--ctx", paramLabel = "N", description = "context tokens per request slot (default ${DEFAULT-VALUE})")
    int ctx = 4096;

    @Option(names = "--batch", paramLabel = "N", description = "most tokens per forward pass (default ${DEFAULT-VALUE})")
    int batch = 64;

    @Option(names = "--queue", paramLabel = "N", description = "requests that may wait for a slot; more get 503 (default ${DEFAULT-VALUE})")
    int queue = 64;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "compute threads (default: all cores, ${DEFAULT-VALUE})")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--api-key", paramLabel = "KEY", defaultValue = "${env:MEDGEMMA_API_KEY}",
            description = "require 'Authorization: Bearer KEY' on every route but /health (or set MEDGEMMA_API_KEY)")
    String apiKey;

    @Option(names = "--max-body", paramLabel = "BYTES", description = "largest request body (default ${DEFAULT-VALUE})")
    int maxBody = 1 << 20;

    @Option(names = "--log-text", description = "log prompts and answers (off by default: medical text may identify patients)")
    boolean logText;

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
        String modelName = name != null ? name : model.getFileName().toString().replaceFirst("(?i)\\.gguf$", "");
        ServerConfig config = new ServerConfig(modelName, host, port, parallel, ctx, batch, queue, apiKey, maxBody, logText);
        try (org.medgemma4j.retrieval.LuceneIndex idx = index == null ? null : org.medgemma4j.retrieval.LuceneIndex.open(index);
             LoadedModel m = LoadedModel.open(model, threads);
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
