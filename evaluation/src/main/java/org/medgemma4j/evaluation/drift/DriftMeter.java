package org.medgemma4j.evaluation.drift;

import java.util.Arrays;
import java.util.BitSet;
import java.util.function.IntConsumer;
import org.medgemma4j.generate.Session;

/**
 * Runs a base and a quantized model side by side over a token sequence as llama-perplexity --kl-divergence
 * does: chunks of {@code ctx} tokens, each opened by BOS and evaluated from an empty cache, the second half of
 * each scored (positions ctx/2 .. ctx-2, each predicting the next token). The two models advance one batch at a
 * time, so only a batch of logit rows per model is ever held (llama.cpp writes every base row to a file first:
 * 134 MB per 512-token chunk with Gemma's vocabulary).
 */
public final class DriftMeter {

    private final Session base;
    private final Session quant;
    private final int batch;
    private final int bos;

    public DriftMeter(Session base, Session quant, int batch) {
        int nb = base.model().config().vocabSize();
        int nq = quant.model().config().vocabSize();
        if (nb != nq) {
            throw new IllegalArgumentException("the two models have different vocabularies (" + nb + " and " + nq
                    + " tokens): drift compares two quantizations of one model");
        }
        if (batch < 1) {
            throw new IllegalArgumentException("the batch must be at least 1");
        }
        this.base = base;
        this.quant = quant;
        this.batch = batch;
        this.bos = base.tokenizer().vocabulary().bos();
    }

    /** The number of whole chunks in {@code tokens}. */
    public static int chunks(int tokens, int ctx) {
        return tokens / ctx;
    }

    /**
     * Compares the models over the first {@code maxChunks} chunks of {@code tokens} (all when 0 or fewer), adding
     * every scored position to {@code all}, and to {@code marked} when the token it predicts is set in
     * {@code marks} (index into {@code tokens}; null for none). Reports each finished chunk to {@code chunkDone}.
     */
    public void measure(int[] tokens, int ctx, int maxChunks, DriftAccumulator all, BitSet marks, DriftAccumulator marked,
                        IntConsumer chunkDone) {
        if (ctx < 4) {
            throw new IllegalArgumentException("--ctx must be at least 4");
        }
        if (ctx > base.contextLength() || ctx > quant.contextLength()) {
            throw new IllegalArgumentException("--ctx " + ctx + " is more than the context the models were opened with ("
                    + Math.min(base.contextLength(), quant.contextLength()) + ")");
        }
        int n = chunks(tokens.length, ctx);
        if (n == 0) {
            throw new IllegalArgumentException("the text is " + tokens.length + " tokens, less than one chunk of " + ctx);
        }
        if (maxChunks > 0) {
            n = Math.min(n, maxChunks);
        }
        int nVocab = base.model().config().vocabSize();
        float[][] rowsBase = new float[batch][nVocab];
        float[][] rowsQuant = new float[batch][nVocab];
        int first = ctx / 2;
        for (int c = 0; c < n; c++) {
            int start = c * ctx;
            int[] chunk = Arrays.copyOfRange(tokens, start, start + ctx);
            chunk[0] = bos;
            base.reset();
            quant.reset();
            // the first half only builds the cache: no logit rows
            base.evaluate(chunk, 0, first, null);
            quant.evaluate(chunk, 0, first, null);
            for (int p = first; p < ctx - 1; p += batch) {
                int k = Math.min(batch, ctx - 1 - p);
                base.evaluate(chunk, p, k, Arrays.copyOf(rowsBase, k));
                quant.evaluate(chunk, p, k, Arrays.copyOf(rowsQuant, k));
                for (int r = 0; r < k; r++) {
                    int next = start + p + r + 1; // index of the predicted token in tokens
                    all.add(rowsBase[r], rowsQuant[r], tokens[next]);
                    if (marks != null && marks.get(next)) {
                        marked.add(rowsBase[r], rowsQuant[r], tokens[next]);
                    }
                }
            }
            chunkDone.accept(c + 1);
        }
    }
}
