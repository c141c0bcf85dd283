package org.medgemma4j.bench.jmh;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.medgemma4j.tensor.GgmlType;
import org.medgemma4j.tensor.TensorFormat;
import org.medgemma4j.tensor.TensorFormats;
import org.medgemma4j.tensor.WeightMatrix;
import org.medgemma4j.tensor.WorkerPool;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-format kernels on one 2560-wide matrix of 256 rows resident in cache (~0.4-0.9 MB), one thread:
 * decode (dotRows, one vector), the plain per-row dot, and a batch of 16 vectors three ways: the decode
 * kernel per vector, as next-token steps (four vectors per pass over the weights) and as prompt tokens
 * (rows decoded to floats once, then the register-blocked matrix product). Divide the weight bytes
 * (reported by setup) by the time per op for GB/s. Run:
 * java --add-modules jdk.incubator.vector -jar bench/target/medgemma-bench.jar jmh KernelBench
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class KernelBench {

    @Param({"Q4_K", "Q6_K", "Q8_0"})
    public String type;

    static final int COLS = 2560;
    static final int ROWS = 256;
    static final int TOKENS = 16;

    TensorFormat f;
    Arena arena;
    MemorySegment w;
    long rowBytes;
    float[] x;
    float[] sums;
    float[] y;
    int sl;
    WeightMatrix matrix;
    WorkerPool pool;
    float[] scratch;

    @Setup(Level.Trial)
    public void setup() {
        GgmlType t = GgmlType.valueOf(type);
        f = TensorFormats.of(t);
        rowBytes = t.bytesFor(COLS);
        arena = Arena.ofShared();
        w = arena.allocate(rowBytes * ROWS, 64);
        SplittableRandom r = new SplittableRandom(1);
        float[] src = new float[COLS];
        for (int i = 0; i < ROWS; i++) {
            for (int k = 0; k < COLS; k++) {
                src[k] = (float) r.nextGaussian();
            }
            f.quantize(src, 0, w, i * rowBytes, COLS);
        }
        x = new float[TOKENS * COLS];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        sl = f.activationFormLength(COLS);
        sums = new float[Math.max(1, TOKENS * sl)];
        for (int t2 = 0; t2 < TOKENS; t2++) {
            f.activationForm(x, t2 * COLS, COLS, sums, t2 * sl);
        }
        y = new float[TOKENS * ROWS];
        matrix = new WeightMatrix("bench", t, w, ROWS, COLS);
        pool = new WorkerPool(1);
        scratch = new float[WeightMatrix.scratchLength(TOKENS, COLS)];
        System.err.printf("%s: %d weight bytes per pass%n", type, rowBytes * ROWS);
    }

    @TearDown(Level.Trial)
    public void close() {
        pool.close();
        arena.close();
    }

    /** One vector against all rows, as a decode step: the format's multi-row kernel entry. */
    @Benchmark
    public float[] decodeDotRows() {
        f.dotRows(w, 0, rowBytes, ROWS, x, 0, sums, 0, COLS, y, 0);
        return y;
    }

    /** The plain per-row dot (what tests compare with ggml). */
    @Benchmark
    public float[] decodeDot() {
        for (int i = 0; i < ROWS; i++) {
            y[i] = f.dot(w, i * rowBytes, x, 0, COLS);
        }
        return y;
    }

    /** A batch of TOKENS next-token steps (continuous batching): the decode kernels, four vectors per pass. */
    @Benchmark
    public float[] batchSteps() {
        matrix.matMul(pool, x, TOKENS, TOKENS, y, scratch);
        return y;
    }

    /** A batch of TOKENS prompt tokens (prefill): rows decoded to floats once, times all the vectors. */
    @Benchmark
    public float[] batchPrompt() {
        matrix.matMul(pool, x, TOKENS, 0, y, scratch);
        return y;
    }

    /** The same batch with the decode kernel per vector (no sharing of the weights between vectors). */
    @Benchmark
    public float[] batchPerToken() {
        for (int t = 0; t < TOKENS; t++) {
            f.dotRows(w, 0, rowBytes, ROWS, x, t * COLS, sums, t * sl, COLS, y, t * ROWS);
        }
        return y;
    }
}
