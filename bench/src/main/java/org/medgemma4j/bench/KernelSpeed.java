package org.medgemma4j.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.medgemma4j.gguf.GgufFile;
import org.medgemma4j.gguf.GgufTensorInfo;
import org.medgemma4j.tensor.GgmlType;
import org.medgemma4j.tensor.WeightMatrix;
import org.medgemma4j.tensor.WorkerPool;

/**
 * Decode-shaped kernel speed on a real file: for each weight type, one matrix-vector product over every
 * 2-D tensor of that type in turn (so the weights stream from memory, as in a decode step), reported in
 * GB/s of weights read (times the tokens of a pass). Usage: kernels MODEL [-t T] [-s SECONDS] [-n TOKENS]
 * [--kind step|prompt]: the tokens of a pass as next-token steps (the decode kernels, the default) or as prompt
 * tokens (rows decoded once and multiplied with all of them).
 */
public final class KernelSpeed {

    private KernelSpeed() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int threads = 2;
        double seconds = 5;
        int tokens = 1;
        boolean prompt = false;
        String only = null; // a tensor name part: e.g. "blk.0.attn_q" keeps one matrix in cache
        for (int i = 1; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "-t" -> threads = Integer.parseInt(args[i + 1]);
                case "-s" -> seconds = Double.parseDouble(args[i + 1]);
                case "-n" -> tokens = Integer.parseInt(args[i + 1]);
                case "--only" -> only = args[i + 1];
                case "--kind" -> prompt = switch (args[i + 1]) {
                    case "step" -> false;
                    case "prompt" -> true;
                    default -> throw new IllegalArgumentException("--kind step or prompt, not " + args[i + 1]);
                };
                default -> throw new IllegalArgumentException(args[i]);
            }
        }
        try (GgufFile gguf = GgufFile.open(file); WorkerPool pool = new WorkerPool(threads)) {
            Map<GgmlType, List<WeightMatrix>> byType = new LinkedHashMap<>();
            for (GgufTensorInfo t : gguf.tensors()) {
                if (t.rank() == 2 && !t.name().equals("token_embd.weight") && (only == null || t.name().contains(only))) {
                    byType.computeIfAbsent(t.type(), k -> new ArrayList<>())
                            .add(new WeightMatrix(t.name(), t.type(), gguf.data(t), (int) t.dim(1), (int) t.dim(0)));
                }
            }
            for (var e : byType.entrySet()) {
                List<WeightMatrix> ms = e.getValue();
                int maxCols = ms.stream().mapToInt(WeightMatrix::cols).max().orElse(0);
                int maxRows = ms.stream().mapToInt(WeightMatrix::rows).max().orElse(0);
                float[] x = new float[tokens * maxCols];
                SplittableRandom r = new SplittableRandom(1);
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) r.nextGaussian();
                }
                float[] y = new float[tokens * maxRows];
                float[] scratch = new float[WeightMatrix.scratchLength(tokens, maxCols)];
                long bytes = 0;
                long t0 = System.nanoTime();
                long warm = t0 + (long) (seconds * 0.3e9);
                long end = warm + (long) (seconds * 1e9);
                long tStart = 0;
                boolean timing = false;
                while (true) {
                    for (WeightMatrix m : ms) {
                        m.matMul(pool, x, tokens, prompt ? 0 : tokens, y, scratch);
                        if (timing) {
                            bytes += m.byteSize();
                        }
                    }
                    long now = System.nanoTime();
                    if (!timing && now >= warm) {
                        timing = true;
                        tStart = now;
                    } else if (timing && now >= end) {
                        double s = (now - tStart) / 1e9;
                        System.out.printf(Locale.ROOT, "%-6s %3d matrices  %6.2f GB/s of weights  (%d %s per pass, %d threads)%n",
                                e.getKey(), ms.size(), bytes / s / 1e9 * tokens, tokens, prompt ? "prompt tokens" : "steps", threads);
                        break;
                    }
                }
            }
        }
    }
}
