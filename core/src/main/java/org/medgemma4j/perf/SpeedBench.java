package org.medgemma4j.perf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.medgemma4j.tensor.KernelChoice;
import org.medgemma4j.gguf.GgufException;
import org.medgemma4j.gguf.GgufTensorInfo;
import org.medgemma4j.model.Gemma3Inference;
import org.medgemma4j.model.Gemma3Model;
import org.medgemma4j.model.KvCache;
import org.medgemma4j.model.KvCacheType;
import org.medgemma4j.tensor.WorkerPool;
import org.medgemma4j.tokenizer.Vocabulary;

/**
 * llama-bench's two measures, taken as llama-bench takes them so that the two engines can be compared number
 * for number: prefill (a P-token prompt, BOS then ordinary tokens, in passes of up to {@link #UBATCH} tokens)
 * and decode (N tokens, one forward pass each, each token's logits computed), R repetitions on a fresh cache,
 * tokenization and sampling excluded. As llama-bench does unless told {@code --no-warmup}, an untimed warm-up
 * (the whole prompt, then one decode step) runs first; its prefill speed is kept as the cold figure, what a
 * one-shot command pays while the JIT compiles the Java side.
 */
public final class SpeedBench {

    /**
     * Tokens per prefill pass. llama.cpp's micro-batch is 512; the kernels take four tokens at a time, so
     * 256 is as fast (9.19 vs 8.75 tok/s, 512-token prompt, 4B-shaped Q4_K_M) and its activations take
     * ~60 MB less resident memory.
     */
    public static final int UBATCH = 256;

    /** One benchmark's results: per-repetition speeds and what was measured. */
    public record Result(String model, int threads, int prompt, int gen, double[] prefill, double[] decode,
                         double warmupPrefill, long modelBytes, long kvBytes, long peakRssBytes) {

        public double prefillMedian() {
            return median(prefill);
        }

        public double decodeMedian() {
            return median(decode);
        }

        public String toJson() {
            return String.format(Locale.ROOT, "{\"engine\": \"medgemma4j\", \"threads\": %d, \"prompt\": %d, \"gen\": %d, "
                            + "\"prefill_tok_s\": %.2f, \"decode_tok_s\": %.2f, \"prefill_runs\": %s, \"decode_runs\": %s, "
                            + "\"warmup\": %b, \"warmup_prefill_tok_s\": %.2f, "
                            + "\"model_bytes\": %d, \"kv_bytes\": %d, \"peak_rss_bytes\": %d, \"kernels\": \"%s\"}",
                    threads, prompt, gen, prefillMedian(), decodeMedian(), list(prefill), list(decode),
                    warmupPrefill > 0, Math.max(0, warmupPrefill), modelBytes, kvBytes, peakRssBytes, KernelChoice.current().describe().replace("\"", "'"));
        }

        public String toText() {
            return String.format(Locale.ROOT, "%s%nthreads %d, model %.2f GB (weights), KV cache %.0f MB, peak RSS %.2f GB%nkernels: %s%n"
                            + "prefill %4d tokens: %8.2f tok/s  (median of %d; min %.2f, max %.2f)%n"
                            + "decode  %4d tokens: %8.2f tok/s  (median of %d; min %.2f, max %.2f)%n%s",
                    model, threads, modelBytes / 1e9, kvBytes / 1e6, peakRssBytes / 1e9, KernelChoice.current().describe(),
                    prompt, prefillMedian(), prefill.length, min(prefill), max(prefill),
                    gen, decodeMedian(), decode.length, min(decode), max(decode),
                    warmupPrefill > 0
                            ? String.format(Locale.ROOT, "warm-up (untimed above): prefill %.2f tok/s, cold%n", warmupPrefill)
                            : "no warm-up: the first repetition ran cold" + System.lineSeparator());
        }
    }

    private SpeedBench() {
    }

    /**
     * Runs the benchmark, after a warm-up unless {@code warmup} is false; {@code progress} (may be null) hears
     * about the warm-up and each repetition.
     */
    public static Result run(Path file, int threads, int prompt, int gen, int reps, boolean warmup,
            java.util.function.Consumer<String> progress) throws GgufException {
        if (prompt < 1 || gen < 0 || reps < 1 || threads < 1) {
            throw new IllegalArgumentException("prompt and repetitions must be at least 1, threads at least 1");
        }
        try (Gemma3Model model = Gemma3Model.load(file); WorkerPool pool = new WorkerPool(threads)) {
            Vocabulary vocab = Vocabulary.of(model.file());
            int nVocab = model.config().vocabSize();
            int span = Math.max(1, nVocab - 2000); // the oracle's ordinary tokens
            int[] tokens = new int[prompt];
            tokens[0] = vocab.bos() >= 0 ? vocab.bos() : 2;
            for (int i = 1; i < prompt; i++) {
                tokens[i] = (int) (1000 + ((long) (i - 1) * 7919) % span);
            }
            int ctx = prompt + gen + 8;
            int batch = Math.min(prompt, UBATCH);
            Gemma3Inference inference = new Gemma3Inference(model, KvCacheType.F16, pool, batch);
            long kvBytes = KvCache.bytesFor(model.config(), ctx, batch, KvCacheType.F16);
            float[] logits = new float[nVocab];
            double[] pp = new double[reps];
            double[] tg = new double[reps];
            double warmupPrefill = -1;
            try (KvCache cache = inference.newCache(ctx)) {
                if (warmup) {
                    // llama-bench's warm-up: the whole prompt, then one step; each repetition then overwrites
                    // the cache from position 0, as the timed runs do among themselves
                    long t0 = System.nanoTime();
                    prefill(inference, cache, tokens, batch, logits);
                    warmupPrefill = prompt / ((System.nanoTime() - t0) / 1e9);
                    if (gen > 0) {
                        inference.step(cache, 1000, prompt, logits);
                    }
                    if (progress != null) {
                        progress.accept(String.format(Locale.ROOT, "warm-up: prefill %.2f tok/s (cold, untimed)", warmupPrefill));
                    }
                }
                for (int r = 0; r < reps; r++) {
                    long t0 = System.nanoTime();
                    prefill(inference, cache, tokens, batch, logits);
                    long t1 = System.nanoTime();
                    for (int i = 0; i < gen; i++) {
                        inference.step(cache, (int) (1000 + ((long) i * 104729) % span), prompt + i, logits);
                    }
                    long t2 = System.nanoTime();
                    pp[r] = prompt / ((t1 - t0) / 1e9);
                    tg[r] = gen / ((t2 - t1) / 1e9);
                    if (progress != null) {
                        progress.accept(String.format(Locale.ROOT, "run %d/%d: prefill %.2f tok/s, decode %.2f tok/s",
                                r + 1, reps, pp[r], tg[r]));
                    }
                }
            }
            long modelBytes = 0;
            for (GgufTensorInfo t : model.file().tensors()) {
                modelBytes += t.byteSize();
            }
            return new Result(file.getFileName().toString(), threads, prompt, gen, pp, tg, warmupPrefill, modelBytes,
                    kvBytes, peakRss());
        }
    }

    /** The prompt from position 0, in passes of {@code batch} tokens. */
    private static void prefill(Gemma3Inference inference, KvCache cache, int[] tokens, int batch, float[] logits) {
        for (int at = 0; at < tokens.length; at += batch) {
            int count = Math.min(batch, tokens.length - at);
            inference.forward(cache, tokens, at, count, at, logits, null);
        }
    }

    /** VmHWM of this process (Linux), or -1. */
    public static long peakRss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }

    static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static double min(double[] xs) {
        return Arrays.stream(xs).min().orElse(0);
    }

    private static double max(double[] xs) {
        return Arrays.stream(xs).max().orElse(0);
    }

    private static String list(double[] xs) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < xs.length; i++) {
            b.append(i > 0 ? ", " : "").append(String.format(Locale.ROOT, "%.2f", xs[i]));
        }
        return b.append(']').toString();
    }
}
