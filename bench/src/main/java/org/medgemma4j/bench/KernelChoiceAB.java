package org.medgemma4j.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.medgemma4j.tensor.GgmlType;
import org.medgemma4j.tensor.KernelChoice;
import org.medgemma4j.tensor.TensorFormat;
import org.medgemma4j.tensor.TensorFormats;
import org.medgemma4j.tensor.WeightMatrix;
import org.medgemma4j.tensor.WorkerPool;

/**
 * Decode-shaped A/B of the kernel choices ({@code --kernels}) on MedGemma-4B-shaped matrices (2560 x 10240 and
 * 10240 x 2560, random weights quantized in process, larger than L3 together): one product of {@code --vectors}
 * next-token steps per pass (1: a single sequence; 4: four sequences decoded together), choices interleaved round
 * by round so that a busy machine slows all of them alike. Usage: kernel-ab [-t T] [-r ROUNDS] [-s SECONDS]
 * [--vectors N] [--types Q4_K,Q6_K,Q8_0] [--kernels java,java-int,native]. Prints GB/s of weights and GMAC/s
 * per choice and round, then the medians and their ratios to the first choice.
 */
public final class KernelChoiceAB {

    private KernelChoiceAB() {
    }

    public static void main(String[] args) throws Exception {
        int threads = 2;
        int rounds = 5;
        double seconds = 1.5;
        int vectors = 1;
        List<GgmlType> types = List.of(GgmlType.Q4_K, GgmlType.Q6_K, GgmlType.Q8_0);
        List<KernelChoice> choices = List.of(KernelChoice.JAVA, KernelChoice.JAVA_INT, KernelChoice.NATIVE);
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "-t" -> threads = Integer.parseInt(args[i + 1]);
                case "-r" -> rounds = Integer.parseInt(args[i + 1]);
                case "-s" -> seconds = Double.parseDouble(args[i + 1]);
                case "--vectors" -> vectors = Integer.parseInt(args[i + 1]);
                case "--types" -> types = java.util.Arrays.stream(args[i + 1].split(",")).map(GgmlType::valueOf).toList();
                case "--kernels" -> choices = java.util.Arrays.stream(args[i + 1].split(",")).map(KernelChoice::parse).toList();
                default -> throw new IllegalArgumentException(args[i]);
            }
        }
        System.out.printf(Locale.ROOT, "threads %d, vectors %d, load average %.2f%n", threads, vectors,
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        try (Arena arena = Arena.ofShared(); WorkerPool pool = new WorkerPool(threads)) {
            for (GgmlType type : types) {
                List<WeightMatrix> ms = List.of(matrix(arena, type, 10240, 2560, 1), matrix(arena, type, 2560, 10240, 2));
                long bytes = ms.stream().mapToLong(WeightMatrix::byteSize).sum();
                long macsPerVector = ms.stream().mapToLong(m -> (long) m.rows() * m.cols()).sum();
                double[][] gbs = new double[choices.size()][rounds];
                for (int r = 0; r < rounds; r++) {
                    for (int c0 = 0; c0 < choices.size(); c0++) {
                        int c = (c0 + r) % choices.size(); // rotate who goes first
                        KernelChoice.select(choices.get(c));
                        gbs[c][r] = run(pool, ms, bytes, seconds, vectors);
                    }
                }
                for (int c = 0; c < choices.size(); c++) {
                    double[] v = gbs[c].clone();
                    java.util.Arrays.sort(v);
                    double med = v[rounds / 2];
                    double ref = median(gbs[0]);
                    double gmacs = med / bytes * macsPerVector * vectors; // passes/s x multiply-adds per pass, in G
                    System.out.printf(Locale.ROOT, "%-5s %-9s median %6.2f GB/s  %7.1f GMAC/s  (%.2fx %s)  rounds %s%n",
                            type, choices.get(c).label(), med, gmacs, med / ref, choices.get(0).label(), fmt(gbs[c]));
                }
            }
        }
    }

    private static double median(double[] a) {
        double[] v = a.clone();
        java.util.Arrays.sort(v);
        return v[v.length / 2];
    }

    private static String fmt(double[] a) {
        List<String> s = new ArrayList<>();
        for (double d : a) {
            s.add(String.format(Locale.ROOT, "%.2f", d));
        }
        return String.join(" ", s);
    }

    private static double run(WorkerPool pool, List<WeightMatrix> ms, long bytes, double seconds, int vectors) {
        int maxCols = 10240;
        float[] x = new float[vectors * maxCols];
        SplittableRandom rnd = new SplittableRandom(3);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextDouble(-1, 1);
        }
        float[] y = new float[vectors * maxCols];
        float[] scratch = new float[WeightMatrix.scratchLength(vectors, maxCols)];
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        long start = System.nanoTime();
        long passes = 0;
        while (System.nanoTime() < deadline || passes < 2) {
            for (WeightMatrix m : ms) {
                m.matMul(pool, x, vectors, vectors, y, scratch);
            }
            passes++;
        }
        return passes * bytes / ((System.nanoTime() - start) / 1e9) / 1e9;
    }

    private static WeightMatrix matrix(Arena arena, GgmlType type, int rows, int cols, long seed) {
        TensorFormat f = TensorFormats.of(type);
        MemorySegment seg = arena.allocate(type.bytesFor((long) rows * cols), 64);
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] row = new float[cols];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < cols; i++) {
                row[i] = (float) (rnd.nextGaussian() * 0.02);
            }
            f.quantize(row, 0, seg, r * type.bytesFor(cols), cols);
        }
        return new WeightMatrix(type + "-" + rows + "x" + cols, type, seg, rows, cols);
    }
}
