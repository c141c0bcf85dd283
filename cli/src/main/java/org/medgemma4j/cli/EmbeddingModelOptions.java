package org.medgemma4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.medgemma4j.embed.EmbeddingModel;
import org.medgemma4j.retrieval.GemmaEmbedder;
import org.medgemma4j.store.ModelResolver;
import picocli.CommandLine.Option;

/** The embedding model that makes an index hybrid (BM25 + vectors): {@code index add}, {@code search}, {@code ask}. */
final class EmbeddingModelOptions {

    @Option(names = "--embed-model", paramLabel = "MODEL",
            description = "an EmbeddingGemma GGUF (file, pulled reference or Ollama name): vectors beside BM25, fused by reciprocal rank")
    String model;

    @Option(names = "--embed-dim", paramLabel = "N",
            description = "vector size: the model's full size (default) or a Matryoshka one (EmbeddingGemma: 512, 256, 128)")
    Integer dims;

    @Option(names = "--embed-threads", paramLabel = "N", description = "embedding threads (default: all cores)")
    int threads = Runtime.getRuntime().availableProcessors();

    boolean given() {
        return model != null;
    }

    /** Opens the model, or returns null when none was given. */
    EmbeddingModel open() throws IOException {
        if (model == null) {
            if (dims != null) {
                throw new IllegalArgumentException("--embed-dim needs --embed-model");
            }
            return null;
        }
        if (threads < 1) {
            throw new IllegalArgumentException("--embed-threads must be at least 1");
        }
        Path file = ModelResolver.fromEnvironment().resolve(model);
        return EmbeddingModel.open(file, threads);
    }

    /** The embedder over an open model (null for none). */
    GemmaEmbedder embedder(EmbeddingModel m) {
        return m == null ? null : new GemmaEmbedder(m, dims == null ? m.dimensions() : dims);
    }
}
