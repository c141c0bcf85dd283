package org.medgemma4j.sampling;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks the next token from logits in llama.cpp's order: repeat penalty, top-k, top-p, min-p,
 * temperature, then a draw from the softmax with a seeded generator (or the argmax when greedy).
 * One sampler per sequence; it keeps its random state between tokens.
 */
public final class Sampler {

    private final SamplingParams params;
    private final SplittableRandom random;
    private int[] candidates = new int[0];
    private float[] probs = new float[0];

    public Sampler(SamplingParams params) {
        this.params = params;
        this.random = new SplittableRandom(params.seed());
    }

    public SamplingParams params() {
        return params;
    }

    /**
     * Chooses a token. {@code history} holds the sequence so far (prompt and generated), of which the last
     * {@code historyLength} entries are valid; {@code logits} is modified by the penalty.
     */
    public int sample(float[] logits, int[] history, int historyLength) {
        applyRepeatPenalty(logits, history, historyLength);
        if (params.isGreedy()) {
            return argmax(logits);
        }
        int n = selectTopK(logits);
        // tokens a constraint ruled out (-infinity) are never candidates
        while (n > 1 && logits[candidates[n - 1]] == Float.NEGATIVE_INFINITY) {
            n--;
        }
        // softmax over the candidates, sorted by logit descending
        float max = logits[candidates[0]];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            probs[i] = (float) Math.exp(logits[candidates[i]] - max);
            sum += probs[i];
        }
        n = cutTopP(n, sum);
        n = cutMinP(n);
        // temperature after the filters, as llama.cpp's default chain does
        double total = 0;
        for (int i = 0; i < n; i++) {
            probs[i] = (float) Math.exp((logits[candidates[i]] - max) / params.temperature());
            total += probs[i];
        }
        double r = random.nextDouble() * total;
        double acc = 0;
        for (int i = 0; i < n; i++) {
            acc += probs[i];
            if (r < acc) {
                return candidates[i];
            }
        }
        return candidates[n - 1];
    }

    private void applyRepeatPenalty(float[] logits, int[] history, int historyLength) {
        float penalty = params.repeatPenalty();
        int lastN = params.repeatLastN() < 0 ? historyLength : Math.min(params.repeatLastN(), historyLength);
        if (penalty == 1.0f || lastN == 0) {
            return;
        }
        // each distinct token penalised once, as llama.cpp counts occurrences but applies the penalty once
        int[] seen = Arrays.copyOfRange(history, historyLength - lastN, historyLength);
        Arrays.sort(seen);
        for (int i = 0; i < seen.length; i++) {
            int t = seen[i];
            if ((i > 0 && seen[i - 1] == t) || t < 0 || t >= logits.length) {
                continue;
            }
            logits[t] = logits[t] > 0 ? logits[t] / penalty : logits[t] * penalty;
        }
    }

    /** Fills candidates[0..n) with the top-k ids sorted by logit descending (all ids when k is 0). */
    private int selectTopK(float[] logits) {
        int k = params.topK() == 0 ? logits.length : Math.min(params.topK(), logits.length);
        if (candidates.length < k) {
            candidates = new int[k];
            probs = new float[k];
        }
        if (k == logits.length) {
            sortAll(logits);
            return k;
        }
        // a min-heap of the best k seen so far
        int size = 0;
        for (int id = 0; id < logits.length; id++) {
            if (size < k) {
                candidates[size] = id;
                siftUp(logits, size++);
            } else if (logits[id] > logits[candidates[0]]) {
                candidates[0] = id;
                siftDown(logits, 0, size);
            }
        }
        // heap sort into descending order
        for (int end = size - 1; end > 0; end--) {
            int top = candidates[0];
            candidates[0] = candidates[end];
            candidates[end] = top;
            siftDown(logits, 0, end);
        }
        return size;
    }

    /** All ids by logit descending, ties by id: one primitive sort of (order-preserving logit bits, id). */
    private void sortAll(float[] logits) {
        long[] keys = new long[logits.length];
        for (int i = 0; i < keys.length; i++) {
            int bits = Float.floatToIntBits(logits[i]);
            int ordered = bits ^ ((bits >> 31) & 0x7FFFFFFF); // signed order equals float order
            keys[i] = ((long) ~ordered << 32) | i;
        }
        Arrays.sort(keys);
        for (int i = 0; i < keys.length; i++) {
            candidates[i] = (int) keys[i];
        }
    }

    private void siftUp(float[] logits, int i) {
        while (i > 0) {
            int parent = (i - 1) / 2;
            if (!less(logits, candidates[i], candidates[parent])) {
                return;
            }
            swap(i, parent);
            i = parent;
        }
    }

    private void siftDown(float[] logits, int i, int size) {
        while (true) {
            int l = 2 * i + 1;
            int smallest = i;
            if (l < size && less(logits, candidates[l], candidates[smallest])) {
                smallest = l;
            }
            if (l + 1 < size && less(logits, candidates[l + 1], candidates[smallest])) {
                smallest = l + 1;
            }
            if (smallest == i) {
                return;
            }
            swap(i, smallest);
            i = smallest;
        }
    }

    /** Heap order: lower logit first, and on ties the higher id, so lower ids win ties in the end. */
    private static boolean less(float[] logits, int a, int b) {
        return logits[a] < logits[b] || (logits[a] == logits[b] && a > b);
    }

    private void swap(int i, int j) {
        int t = candidates[i];
        candidates[i] = candidates[j];
        candidates[j] = t;
    }

    private int cutTopP(int n, double sum) {
        if (params.topP() >= 1.0f) {
            return n;
        }
        double acc = 0;
        for (int i = 0; i < n; i++) {
            acc += probs[i] / sum;
            if (acc >= params.topP()) {
                return i + 1;
            }
        }
        return n;
    }

    private int cutMinP(int n) {
        if (params.minP() <= 0f) {
            return n;
        }
        float threshold = probs[0] * params.minP();
        int keep = 1;
        while (keep < n && probs[keep] >= threshold) {
            keep++;
        }
        return keep;
    }

    /** The most likely token (the lowest id on ties, as llama.cpp's greedy sampler). */
    public static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }
}
