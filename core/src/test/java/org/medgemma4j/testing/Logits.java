package org.medgemma4j.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;

/** Logit rows (one row of n_vocab floats per position) and how close two sets of them are. */
public record Logits(float[][] rows) {

    /** Reads raw little-endian float32 rows (as `medgemma logits --out` writes them). */
    public static Logits read(Path file, int nVocab) {
        try {
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
            int n = b.remaining() / 4 / nVocab;
            float[][] rows = new float[n][nVocab];
            for (float[] r : rows) {
                b.asFloatBuffer().get(r);
                b.position(b.position() + 4 * nVocab);
            }
            return new Logits(rows);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** llama.cpp's logits for every position of {@code ids}, fed one token at a time. */
    public static Logits fromOracle(Path model, int[] ids, int nVocab) {
        float[][] rows = LlamaOracle.logits(model, ids, true);
        if (rows.length > 0 && rows[0].length != nVocab) {
            throw new IllegalStateException("llama.cpp gives " + rows[0].length + " logits per row, expected " + nVocab);
        }
        return new Logits(rows);
    }

    public static String csv(int[] ids) {
        return Arrays.stream(ids).mapToObj(Integer::toString).collect(Collectors.joining(","));
    }

    /** ||this - reference|| / ||reference|| over all rows. */
    public double relativeRmsError(Logits reference) {
        double num = 0, den = 0;
        for (int p = 0; p < rows.length; p++) {
            for (int i = 0; i < rows[p].length; i++) {
                double d = rows[p][i] - reference.rows[p][i];
                num += d * d;
                den += (double) reference.rows[p][i] * reference.rows[p][i];
            }
        }
        return Math.sqrt(num / den);
    }

    /**
     * The positions where the reference's top token leads its runner-up by more than {@code k} times the RMS
     * difference between this row and the reference row: where the two engines' measured disagreement cannot
     * turn the choice by itself. Elsewhere the top two are a near tie, and which one wins is decided by the
     * last bits of float arithmetic (a different summation order flips it).
     */
    public int[] decisivePositions(Logits reference, double k) {
        return java.util.stream.IntStream.range(0, rows.length).filter(p -> {
            float[] ref = reference.rows[p];
            int top = argmax(ref);
            float second = Float.NEGATIVE_INFINITY;
            double diff2 = 0;
            for (int i = 0; i < ref.length; i++) {
                double d = rows[p][i] - ref[i];
                diff2 += d * d;
                if (i != top && ref[i] > second) {
                    second = ref[i];
                }
            }
            return ref[top] - second > k * Math.sqrt(diff2 / ref.length);
        }).toArray();
    }

    /** Fraction of the given positions whose argmax agrees. */
    public double top1Agreement(Logits reference, int[] positions) {
        int same = 0;
        for (int p : positions) {
            same += argmax(rows[p]) == argmax(reference.rows[p]) ? 1 : 0;
        }
        return positions.length == 0 ? 0 : (double) same / positions.length;
    }

    /** Fraction of positions whose argmax agrees. */
    public double top1Agreement(Logits reference) {
        int same = 0;
        for (int p = 0; p < rows.length; p++) {
            same += argmax(rows[p]) == argmax(reference.rows[p]) ? 1 : 0;
        }
        return (double) same / rows.length;
    }

    public static int argmax(float[] row) {
        int best = 0;
        for (int i = 1; i < row.length; i++) {
            if (row[i] > row[best]) {
                best = i;
            }
        }
        return best;
    }

    /** A fixed, varied token sequence of length n starting with BOS (ordinary vocabulary ids). */
    public static int[] probeSequence(int n) {
        int[] ids = new int[n];
        ids[0] = 2;
        for (int i = 1; i < n; i++) {
            ids[i] = 300 + (int) ((i * 7919L) % 200_000);
        }
        return ids;
    }
}
