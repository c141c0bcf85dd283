package org.medgemma4j.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.medgemma4j.perf.SpeedBench;
import org.medgemma4j.store.ModelResolver;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code medgemma bench}: llama-bench's prefill and decode speeds, measured as llama-bench measures them (warm-up first). */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure prefill (prompt) and decode (generation) speed in tokens per second.")
final class BenchCommand implements Callable<Integer> {

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "MODEL", description = "a GGUF file, a pulled reference (hf.co/ORG/REPO:QUANT) or an Ollama model name")
    String model;

    @Option(names = {"-p", "--prompt"}, paramLabel = "P", description = "prompt tokens (default ${DEFAULT-VALUE})")
    int prompt = 512;

    @Option(names = {"-n", "--gen"}, paramLabel = "N", description = "generated tokens (default ${DEFAULT-VALUE})")
    int gen = 128;

    @Mixin
    KernelsOption kernels;

    @Option(names = {"-t", "--threads"}, paramLabel = "T", description = "compute threads (default: all cores, ${DEFAULT-VALUE})")
    int threads = Runtime.getRuntime().availableProcessors();

    @Mixin
    GpuLayers gpuLayers = new GpuLayers();

    @Option(names = {"-r", "--repetitions"}, paramLabel = "R", description = "repetitions; the median is reported (default ${DEFAULT-VALUE})")
    int reps = 3;

    @Option(names = "--no-warmup", description = "skip the untimed warm-up run (the prompt and one step) before the repetitions, as llama-bench's --no-warmup")
    boolean noWarmup;

    @Option(names = "--json", description = "one JSON object (fields as the llama.cpp oracle's bench: prefill_tok_s, decode_tok_s, threads, model_bytes)")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        gpuLayers.note(err);
        SpeedBench.Result r = SpeedBench.run(ModelResolver.fromEnvironment().resolve(model), threads, prompt, gen, reps, !noWarmup, line -> {
            err.println(line);
            err.flush();
        });
        out.print(json ? r.toJson() + System.lineSeparator() : r.toText());
        out.flush();
        return 0;
    }
}
