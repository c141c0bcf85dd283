package org.medgemma4j.bench;

import java.nio.file.Path;
import java.util.Arrays;
import org.medgemma4j.testing.FixtureModels;
import org.medgemma4j.testing.LlamaOracle;

/**
 * Speed tooling behind bench/compare.sh:
 * <pre>
 * fixture SPEC TYPE...    make (or reuse) a fixture quantized by llama.cpp; prints each file's path
 *                         SPEC: medgemma4b (the 4B text dimensions, from F16) or tiny
 * bandwidth [-t T] [-mb MB] [-s SECONDS]   the machine's read bandwidth (GB/s), JSON
 * llama-bench MODEL [-p P] [-n N] [-t T] [-r R] [--no-warmup]   llama.cpp's prefill and decode speed on MODEL, JSON
 *                         (the tests' oracle, in-process: the same fields as `medgemma bench --json`)
 * jmh [JMH ARGS]          the kernel microbenchmarks
 * </pre>
 */
public final class BenchMain {

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: fixture SPEC TYPE... | bandwidth [-t T] [-mb MB] [-s SECONDS]"
                    + " | llama-bench MODEL [-p P] [-n N] [-t T] [-r R] [--no-warmup] | jmh [ARGS]");
            System.exit(2);
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "fixture" -> fixture(rest);
            case "bandwidth" -> ReadBandwidth.main(rest);
            case "kernels" -> KernelSpeed.main(rest);
            case "kernel-ab" -> KernelChoiceAB.main(rest);
            case "llama-bench" -> llamaBench(rest);
            case "jmh" -> org.openjdk.jmh.Main.main(rest);
            default -> {
                System.err.println("unknown command " + args[0]);
                System.exit(2);
            }
        }
    }

    private static void llamaBench(String[] args) {
        Path model = Path.of(args[0]);
        int p = intOption(args, "-p", 512);
        int n = intOption(args, "-n", 128);
        int t = intOption(args, "-t", 2);
        int r = intOption(args, "-r", 3);
        boolean warmup = !Arrays.asList(args).contains("--no-warmup");
        System.out.println(LlamaOracle.bench(model, p, n, t, r, warmup).toJson());
    }

    private static int intOption(String[] args, String flag, int fallback) {
        int i = Arrays.asList(args).indexOf(flag);
        return i >= 0 && i + 1 < args.length ? Integer.parseInt(args[i + 1]) : fallback;
    }

    private static void fixture(String[] args) {
        FixtureModels.Spec spec = switch (args[0]) {
            case "medgemma4b" -> FixtureModels.MEDGEMMA_4B;
            case "tiny" -> FixtureModels.TINY;
            default -> throw new IllegalArgumentException("unknown fixture " + args[0]);
        };
        for (int i = 1; i < args.length; i++) {
            Path p = spec == FixtureModels.MEDGEMMA_4B
                    ? FixtureModels.quantizedFromF16(spec, args[i])
                    : FixtureModels.quantized(spec, args[i]);
            System.out.println(p);
        }
    }
}
