package org.medgemma4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.medgemma4j.evaluation.ResultLog;
import org.medgemma4j.evaluation.drift.AnswerFlips;
import org.medgemma4j.evaluation.drift.DriftReport;
import org.medgemma4j.evaluation.drift.DrugNames;
import org.medgemma4j.generate.LoadedModel;
import org.medgemma4j.generate.Session;
import org.medgemma4j.model.KvCacheType;
import org.medgemma4j.store.ModelResolver;
import org.medgemma4j.store.data.DataSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code medgemma drift --base F16.gguf --quant Q4_K_M.gguf --text FILE}: how far quantization moved the model's
 * next-token distribution, as llama-perplexity --kl-divergence measures it; also over drug names; and
 * {@code --answers A.jsonl B.jsonl}: the answers that flipped between two eval runs.
 */
@Command(name = "drift", mixinStandardHelpOptions = true,
        description = {"Measure quantization drift: KL divergence, same-top-1 rate, delta-p and perplexity of a quantized model "
                + "against its base model on a text (as llama-perplexity --kl-divergence), overall and at drug names.",
                "Or, with --answers, compare two `eval --out` files item by item."})
final class DriftCommand implements Callable<Integer> {

    @Option(names = "--base", paramLabel = "FILE", description = "the reference model (BF16/F32 or F16 of an F16 original)")
    String base;

    @Option(names = "--quant", paramLabel = "FILE", description = "the quantized model")
    String quant;

    @Option(names = "--text", paramLabel = "FILE", description = "the text to score (UTF-8)")
    Path text;

    @Option(names = "--ctx", paramLabel = "N", description = "tokens per chunk (default ${DEFAULT-VALUE}, as llama-perplexity)")
    int ctx = 512;

    @Option(names = "--chunks", paramLabel = "N", description = "score only the first N chunks (default: all)")
    int chunks;

    @Option(names = {"-b", "--batch-size"}, paramLabel = "N", description = "tokens per forward pass (default ${DEFAULT-VALUE})")
    int batch = 64;

    @Mixin
    KernelsOption kernels;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "compute threads (default: all cores)")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--drugs", paramLabel = "FILE", description = "drug vocabulary CSV (default: the drugs data set if present)")
    Path drugs;

    @Option(names = "--no-drugs", description = "skip the drug-name statistics")
    boolean noDrugs;

    @Option(names = "--answers", arity = "2", paramLabel = "FILE.jsonl",
            description = "compare two eval --out files (base first) item by item instead")
    Path[] answers;

    @Option(names = "--json", description = "print one JSON line")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ObjectMapper mapper = new ObjectMapper();
        if (answers != null) {
            AnswerFlips flips = AnswerFlips.compare(ResultLog.read(existing(answers[0])), ResultLog.read(existing(answers[1])));
            out.print(json ? mapper.writeValueAsString(flips.toJson()) + "\n" : flips.toText());
            out.flush();
            return 0;
        }
        if (base == null || quant == null || text == null) {
            throw new IllegalArgumentException("drift needs --base, --quant and --text (or --answers A.jsonl B.jsonl)");
        }
        if (threads < 1 || batch < 1) {
            throw new IllegalArgumentException("--threads and --batch-size must be at least 1");
        }
        String content = Files.readString(existing(text), StandardCharsets.UTF_8);
        DrugNames vocabulary = null;
        if (!noDrugs) {
            Path csv = drugs != null ? existing(drugs)
                    : DataSet.DRUGS.locate().map(d -> d.resolve(DataSet.DRUGS.files().getFirst().name())).orElse(null);
            if (csv != null) {
                vocabulary = DrugNames.load(csv);
            } else {
                err.println("note: no drug vocabulary (run `medgemma data fetch drugs` or give --drugs): drug-name statistics skipped");
            }
        }
        ModelResolver resolver = ModelResolver.fromEnvironment();
        Path baseFile = resolver.resolve(base);
        Path quantFile = resolver.resolve(quant);
        // each model gets all threads (they run one after the other, batch by batch); an F16 cache as llama-perplexity
        try (LoadedModel b = LoadedModel.open(baseFile, threads); LoadedModel q = LoadedModel.open(quantFile, threads);
             Session sb = b.newSession(ctx, KvCacheType.F16, batch); Session sq = q.newSession(ctx, KvCacheType.F16, batch)) {
            final int total = chunks > 0 ? chunks : -1;
            DriftReport r = DriftReport.measure(baseFile.getFileName().toString(), sb, quantFile.getFileName().toString(), sq,
                    content, ctx, chunks, batch, vocabulary, c -> {
                        if (!json) {
                            err.printf("chunk %d%s done%n", c, total > 0 ? "/" + total : "");
                            err.flush();
                        }
                    });
            out.print(json ? mapper.writeValueAsString(r.toJson()) + "\n" : r.toText());
        }
        out.flush();
        return 0;
    }

    private static Path existing(Path p) throws java.nio.file.NoSuchFileException {
        if (!Files.isRegularFile(p)) {
            throw new java.nio.file.NoSuchFileException(p.toString());
        }
        return p;
    }
}
