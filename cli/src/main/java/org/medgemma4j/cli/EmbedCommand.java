package org.medgemma4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.medgemma4j.embed.EmbeddingModel;
import org.medgemma4j.embed.EmbeddingPrompt;
import org.medgemma4j.store.ModelResolver;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code medgemma embed -m MODEL TEXT}: the unit vector of a text from an EmbeddingGemma GGUF. */
@Command(name = "embed", mixinStandardHelpOptions = true,
        description = "Print a text's embedding (an EmbeddingGemma GGUF, arch gemma-embedding): {\"embedding\":[...]}, unit length.")
final class EmbedCommand implements Callable<Integer> {

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "MODEL",
            description = "an EmbeddingGemma GGUF file, a pulled reference (hf.co/ORG/REPO:QUANT) or an Ollama model name")
    String model;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "compute threads (default: all cores, ${DEFAULT-VALUE})")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--dim", paramLabel = "N",
            description = "Matryoshka size: the first N components, renormalised (EmbeddingGemma: 768, 512, 256, 128; default full)")
    Integer dims;

    @Option(names = "--json", description = "print {\"embedding\":[...],\"tokens\":N,\"model\":NAME} (default: the bare {\"embedding\":[...]})")
    boolean json;

    static final class PromptKind {
        @Option(names = "--query", description = "embed as a search query: \"task: search result | query: TEXT\"")
        boolean query;

        @Option(names = "--document", description = "embed as a document: \"title: none | text: TEXT\" (see --title)")
        boolean document;
    }

    @ArgGroup(exclusive = true)
    PromptKind kind;

    @Option(names = "--title", paramLabel = "TITLE", description = "the document's title, with --document")
    String title;

    @Parameters(paramLabel = "TEXT", arity = "1..*", description = "the text (words are joined with spaces)")
    List<String> text;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (threads < 1) {
            throw new IllegalArgumentException("--threads must be at least 1");
        }
        EmbeddingPrompt prompt = kind == null ? EmbeddingPrompt.NONE : kind.query ? EmbeddingPrompt.QUERY : EmbeddingPrompt.DOCUMENT;
        if (title != null && prompt != EmbeddingPrompt.DOCUMENT) {
            throw new IllegalArgumentException("--title goes with --document");
        }
        Path file = ModelResolver.fromEnvironment().resolve(model);
        PrintWriter out = spec.commandLine().getOut();
        try (EmbeddingModel m = EmbeddingModel.open(file, threads)) {
            String input = prompt.apply(title, String.join(" ", text));
            float[] v = dims == null ? m.embed(input) : m.embed(input, dims);
            StringBuilder sb = new StringBuilder(v.length * 12).append("{\"embedding\":[");
            for (int i = 0; i < v.length; i++) {
                sb.append(i == 0 ? "" : ",").append(v[i]);
            }
            sb.append(']');
            if (json) {
                sb.append(",\"tokens\":").append(m.tokenize(input).length).append(",\"dimensions\":").append(v.length)
                        .append(",\"model\":\"").append(m.name().replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            }
            out.println(sb.append('}'));
        }
        out.flush();
        return 0;
    }
}
