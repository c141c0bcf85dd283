package org.medgemma4j.model;

import org.medgemma4j.tensor.WeightMatrix;
import org.medgemma4j.tensor.WorkerPool;

/**
 * The Gemma 3 forward pass (llama.cpp src/models/gemma3.cpp) over a batch of tokens: the next token of
 * many sequences (continuous batching) and prompt tokens, each token appending to its own sequence's KV
 * cache. Every weight matrix is read once per pass for the whole batch. Buffers are allocated once for the
 * largest batch; one pass at a time.
 *
 * <p>A token's results never depend on the batch it is in. Next-token steps take the decode kernels (a
 * sequence decoded beside others gets bit for bit what it gets alone); prompt tokens take the batched
 * matrix product (a prompt gives the same cache and logits however it is split into passes). On the native
 * integer kernels both are one batch product with the single-vector arithmetic, so they also agree with each
 * other. See {@link WeightMatrix#matMul}.
 *
 * <pre>
 * x = embd[token] * sqrt(d)
 * per layer: h = x + post_attn_norm(attn(attn_norm(x)));  x = h + post_ffw_norm(ffn(ffn_norm(h)))
 * logits = output(output_norm(x))
 * </pre>
 *
 * <p>A bidirectional model (gemma-embedding) runs {@link #encode} instead: each sequence whole in one pass,
 * every token attending to all of it (sliding layers: a window centred on the token, llama.cpp's
 * LLAMA_SWA_TYPE_SYMMETRIC), and the normalised final rows of every token as its result.
 */
public final class Gemma3Inference {

    private final Gemma3Config c;
    private final Gemma3Weights w;
    private final WorkerPool pool;
    private final int maxBatch;
    private final Rope localRope;
    private final Rope globalRope;
    private final float embedScale;
    private final boolean bidirectional;

    private final float[] x;      // residual stream [batch][d]
    private final float[] xn;     // normalised input of a block [batch][d]
    private final float[] q;      // [batch][heads * keyLength]
    private final float[] k;      // [batch][kvHeads * keyLength]
    private final float[] v;      // [batch][kvHeads * valueLength]
    private final float[] att;    // attention output [batch][heads * valueLength]
    private final float[] proj;   // a block's output before its post-norm [batch][d]
    private final float[] gate;   // [batch][ff]
    private final float[] up;     // [batch][ff]
    private final int roundedLength;
    private float[] rounded; // a float product's input as llama.cpp rounds it for the weight type; made on first use
    private final float[] cosLocal;
    private final float[] sinLocal;
    private final float[] cosGlobal;
    private final float[] sinGlobal;
    private final Attention[] attention;
    private final KvCacheType kvType;
    // the single-sequence form's per-token arguments, reused
    private final int[] ids;
    private final int[] positions;
    /** The last position each token of the pass attends to: its own, the end of its image, or (encode) of its sequence. */
    private final int[] attendTo;
    private final KvCache[] caches;
    private final float[][] rowLogits;

    public Gemma3Inference(Gemma3Model model, KvCacheType kvType, WorkerPool pool, int maxBatch) {
        this.c = model.config();
        this.w = model.weights();
        this.pool = pool;
        this.maxBatch = maxBatch;
        int d = c.embeddingLength();
        int hq = c.headCount() * c.keyLength();
        int hk = c.headCountKv() * c.keyLength();
        this.localRope = new Rope(c.ropeFreqBaseLocal(), 1.0f, c.keyLength());
        this.globalRope = new Rope(c.ropeFreqBase(), c.ropeScale(), c.keyLength());
        this.embedScale = (float) Math.sqrt(d);
        this.bidirectional = model.bidirectional();
        this.x = new float[maxBatch * d];
        this.xn = new float[maxBatch * d];
        this.q = new float[maxBatch * hq];
        this.k = new float[maxBatch * hk];
        this.v = new float[maxBatch * c.headCountKv() * c.valueLength()];
        this.att = new float[maxBatch * c.headCount() * c.valueLength()];
        this.proj = new float[maxBatch * d];
        this.gate = new float[maxBatch * c.feedForwardLength()];
        this.up = new float[maxBatch * c.feedForwardLength()];
        this.roundedLength = WeightMatrix.scratchLength(maxBatch, Math.max(Math.max(d, c.feedForwardLength()), c.headCount() * c.valueLength()));
        int half = c.keyLength() / 2;
        this.cosLocal = new float[maxBatch * half];
        this.sinLocal = new float[maxBatch * half];
        this.cosGlobal = new float[maxBatch * half];
        this.sinGlobal = new float[maxBatch * half];
        this.attention = new Attention[pool.threads()];
        for (int i = 0; i < attention.length; i++) {
            attention[i] = new Attention(kvType, c.keyLength());
        }
        this.kvType = kvType;
        this.ids = new int[maxBatch];
        this.positions = new int[maxBatch];
        this.attendTo = new int[maxBatch];
        this.caches = new KvCache[maxBatch];
        this.rowLogits = new float[maxBatch][];
    }

    public int maxBatch() {
        return maxBatch;
    }

    /** A KV cache this inference can fill, for one sequence of up to {@code contextLength} positions. */
    public KvCache newCache(int contextLength) {
        return new KvCache(c, contextLength, maxBatch, kvType);
    }

    /**
     * Runs {@code count} prompt tokens of one sequence, {@code tokens[offset..]}, at positions start, start+1, ...
     * and returns the logits of the last one (into {@code logits}, n_vocab floats) or, when {@code allLogits} is
     * a [count][n_vocab] array, of every one.
     */
    public void forward(KvCache cache, int[] tokens, int offset, int count, int start, float[] logits, float[][] allLogits) {
        checkBatch(count);
        System.arraycopy(tokens, offset, ids, 0, count);
        for (int t = 0; t < count; t++) {
            positions[t] = start + t;
            caches[t] = cache;
            rowLogits[t] = allLogits != null ? allLogits[t] : t == count - 1 ? logits : null;
        }
        forward(ids, positions, caches, rowLogits, 0, count);
    }

    /**
     * Runs {@code count} embeddings of one sequence (rows of n_embd floats in {@code embeddings} from
     * {@code offset}, used as they are: an image's embeddings are not scaled by sqrt(n_embd) as token
     * embeddings are) at positions start, start+1, ... With {@code bidirectional} each of them attends to all
     * of them as well as to everything before (llama.cpp decodes a Gemma 3 image with causal attention off;
     * sliding-window layers still apply their window to earlier positions); otherwise causally. The logits
     * of the last go into {@code logits} when it is not null, of every one into {@code allLogits} when given.
     */
    public void forwardEmbeddings(KvCache cache, float[] embeddings, int offset, int count, int start, boolean bidirectional,
            float[] logits, float[][] allLogits) {
        checkBatch(count);
        int d = c.embeddingLength();
        if (offset < 0 || embeddings.length < offset + (long) count * d) {
            throw new IllegalArgumentException(count + " embeddings of " + d + " floats do not fit in " + embeddings.length + " from " + offset);
        }
        int half = c.keyLength() / 2;
        for (int t = 0; t < count; t++) {
            int pos = start + t;
            checkPosition(cache, pos);
            positions[t] = pos;
            attendTo[t] = bidirectional ? start + count - 1 : pos;
            caches[t] = cache;
            rowLogits[t] = allLogits != null ? allLogits[t] : t == count - 1 ? logits : null;
            System.arraycopy(embeddings, offset + t * d, x, t * d, d);
            localRope.angles(pos, cosLocal, sinLocal, t * half);
            globalRope.angles(pos, cosGlobal, sinGlobal, t * half);
        }
        run(count, 0, positions, caches, rowLogits);
    }

    private void checkPosition(KvCache cache, int position) {
        if (position < 0 || position >= cache.contextLength()) {
            throw new IllegalArgumentException("position " + position + " exceeds the context of " + cache.contextLength() + " tokens");
        }
        if (cache.type() != kvType) {
            throw new IllegalArgumentException("a " + cache.type() + " cache given to a " + kvType + " inference");
        }
    }

    /** Runs one next-token step of one sequence: {@code token} at {@code position}, its logits into {@code logits}. */
    public void step(KvCache cache, int token, int position, float[] logits) {
        ids[0] = token;
        positions[0] = position;
        caches[0] = cache;
        rowLogits[0] = logits;
        forward(ids, positions, caches, rowLogits, 1, 1);
    }

    /**
     * Runs a batch: token i goes to position {@code positions[i]} of the sequence whose cache is
     * {@code caches[i]}; where {@code logits[i]} is not null it receives that token's n_vocab logits.
     * Tokens [0, steps) are next-token steps (one per sequence: the token sampled last), the others prompt
     * tokens; the two kinds are computed differently (see the class comment). Tokens of one sequence must
     * come in position order, each right after the last cached one.
     */
    public void forward(int[] tokens, int[] positions, KvCache[] caches, float[][] logits, int steps, int count) {
        checkBatch(count);
        if (bidirectional) {
            throw new IllegalStateException("a bidirectional (embedding) model has no next-token logits: use encode");
        }
        if (steps < 0 || steps > count) {
            throw new IllegalArgumentException(steps + " next-token steps in a pass of " + count + " tokens");
        }
        embedTokens(tokens, positions, caches, count);
        run(count, steps, positions, caches, logits);
    }

    /**
     * Encodes whole sequences in one pass (a bidirectional model): token i is at position {@code positions[i]}
     * of the sequence whose cache is {@code caches[i]}; each sequence's tokens come together, at positions
     * 0, 1, ... to its end, all in this pass. Writes every token's final normalised row (output_norm(x),
     * embedding_length floats) to {@code hidden[i * embedding_length ..]}.
     */
    public void encode(int[] tokens, int[] positions, KvCache[] caches, int count, float[] hidden) {
        checkBatch(count);
        if (!bidirectional) {
            throw new IllegalStateException("encode runs bidirectional (embedding) models; " + c.name() + " is causal");
        }
        embedTokens(tokens, positions, caches, count);
        for (int t = 0; t < count; ) {
            int from = t;
            while (t < count && caches[t] == caches[from]) {
                if (positions[t] != t - from) {
                    throw new IllegalArgumentException("a sequence must come whole, at positions 0, 1, ...: token " + t
                            + " is at position " + positions[t]);
                }
                t++;
            }
            for (int i = from; i < t; i++) {
                attendTo[i] = t - 1 - from; // every token sees its whole sequence
            }
            for (int l = 0; l < c.blockCount(); l++) {
                if (caches[from].capacity(l) < t - from) {
                    throw new IllegalArgumentException("a cache holding " + caches[from].capacity(l) + " positions of layer " + l
                            + " cannot encode a sequence of " + (t - from) + " tokens: size it to the sequence");
                }
            }
        }
        java.util.Arrays.fill(rowLogits, 0, count, null);
        run(count, 0, positions, caches, rowLogits);
        int d = c.embeddingLength();
        for (int t = 0; t < count; t++) {
            RmsNorm.apply(x, t * d, w.outputNorm, hidden, t * d, d, c.rmsEps());
        }
    }

    /** Token embeddings (scaled by sqrt(d)) into x, rope angles, and causal attention bounds for a pass. */
    private void embedTokens(int[] tokens, int[] positions, KvCache[] caches, int count) {
        int d = c.embeddingLength();
        int half = c.keyLength() / 2;
        for (int t = 0; t < count; t++) {
            int token = tokens[t];
            if (token < 0 || token >= c.vocabSize()) {
                throw new IllegalArgumentException("token id " + token + " is outside the vocabulary (0.." + (c.vocabSize() - 1) + ")");
            }
            checkPosition(caches[t], positions[t]);
            attendTo[t] = positions[t];
            w.tokenEmbedding.dequantizeRow(token, x, t * d);
            for (int i = 0; i < d; i++) {
                x[t * d + i] *= embedScale;
            }
            localRope.angles(positions[t], cosLocal, sinLocal, t * half);
            globalRope.angles(positions[t], cosGlobal, sinGlobal, t * half);
        }
    }

    /** The layers and the wanted logits for a pass whose inputs are in x (and angles, attendTo set). */
    private void run(int count, int steps, int[] positions, KvCache[] caches, float[][] logits) {
        int d = c.embeddingLength();
        for (int l = 0; l < c.blockCount(); l++) {
            layer(l, count, steps, positions, caches);
        }
        // logits only for the tokens that want them: their normalised rows gathered, one product, scattered back.
        // Every logits row takes the decode kernels, whatever its token's kind: a prompt's last token is
        // evaluated alone or with others depending on what the cache held, and its logits must not change.
        int n = 0;
        for (int t = 0; t < count; t++) {
            if (logits[t] != null) {
                RmsNorm.apply(x, t * d, w.outputNorm, xn, n++ * d, d, c.rmsEps());
            }
        }
        if (n == 0) {
            return;
        }
        int vocab = c.vocabSize();
        if (n == 1) {
            for (int t = 0; t < count; t++) {
                if (logits[t] != null) {
                    matMul(w.output, xn, 1, 1, logits[t]);
                }
            }
            return;
        }
        float[] flat = new float[n * vocab];
        matMul(w.output, xn, n, n, flat);
        for (int t = 0, r = 0; t < count; t++) {
            if (logits[t] != null) {
                System.arraycopy(flat, r++ * vocab, logits[t], 0, vocab);
            }
        }
    }

    private void checkBatch(int count) {
        if (count < 1 || count > maxBatch) {
            throw new IllegalArgumentException("a pass takes 1 to " + maxBatch + " tokens, got " + count);
        }
    }

    private void layer(int l, int n, int steps, int[] positions, KvCache[] caches) {
        Gemma3Weights.Layer L = w.layers.get(l);
        int d = c.embeddingLength();
        float eps = c.rmsEps();
        // the per-token work between products runs on the pool too: for a prompt it is a few percent of a layer
        pool.parallelFor(n, (from, to) -> {
            for (int t = from; t < to; t++) {
                RmsNorm.apply(x, t * d, L.attnNorm(), xn, t * d, d, eps);
            }
        });
        matMul(L.q(), xn, n, steps, q);
        matMul(L.k(), xn, n, steps, k);
        matMul(L.v(), xn, n, steps, v);

        boolean sliding = c.isSliding(l);
        float[] cos = sliding ? cosLocal : cosGlobal;
        float[] sin = sliding ? sinLocal : sinGlobal;
        Rope rope = sliding ? localRope : globalRope;
        int hd = c.keyLength();
        int half = hd / 2;
        int hq = c.headCount() * hd;
        int hk = c.headCountKv() * hd;
        // each token writes its own cache row (a pass never holds two positions that share a ring row)
        pool.parallelFor(n, (from, to) -> {
            for (int t = from; t < to; t++) {
                for (int h = 0; h < c.headCount(); h++) {
                    int off = t * hq + h * hd;
                    RmsNorm.apply(q, off, L.qNorm(), q, off, hd, eps);
                    rope.rotate(q, off, cos, sin, t * half);
                    for (int i = 0; i < hd; i++) {
                        q[off + i] *= c.queryScale();
                    }
                }
                for (int h = 0; h < c.headCountKv(); h++) {
                    int off = t * hk + h * hd;
                    RmsNorm.apply(k, off, L.kNorm(), k, off, hd, eps);
                    rope.rotate(k, off, cos, sin, t * half);
                }
                caches[t].store(l, positions[t], k, t * hk, v, t * c.headCountKv() * c.valueLength(), hk);
            }
        });

        int heads = c.headCount();
        int group = heads / c.headCountKv();
        int window = c.slidingWindow();
        int dv = c.valueLength();
        // head-major order: each worker's share holds every token of some heads, so later tokens (longer
        // histories) are spread evenly; token-major shares gave the second worker all the longest ones
        pool.parallelFor(n * heads, (worker, from, to) -> {
            Attention a = attention[worker];
            for (int i = from; i < to; i++) {
                int h = i / n;
                int t = i % n;
                int pos = positions[t];
                int lo;
                int hi;
                if (bidirectional) {
                    // llama.cpp's symmetric window: |key - query| <= n_swa / 2
                    lo = sliding ? Math.max(0, pos - window / 2) : 0;
                    hi = sliding ? Math.min(attendTo[t], pos + window / 2) : attendTo[t];
                } else {
                    // an image's tokens see the whole image; the window still bounds what lies before
                    lo = sliding ? Math.max(0, pos - window + 1) : 0;
                    hi = attendTo[t];
                }
                a.attend(caches[t], l, q, t * hq + h * hd, (h / group) * hd, lo, hi, att, t * heads * dv + h * dv);
            }
        });
        matMul(L.attnOutput(), att, n, steps, proj);
        pool.parallelFor(n, (from, to) -> {
            for (int t = from; t < to; t++) {
                RmsNorm.apply(proj, t * d, L.postAttentionNorm(), proj, t * d, d, eps);
                for (int i = 0; i < d; i++) {
                    x[t * d + i] += proj[t * d + i];
                }
                RmsNorm.apply(x, t * d, L.ffnNorm(), xn, t * d, d, eps);
            }
        });
        matMul(L.gate(), xn, n, steps, gate);
        matMul(L.up(), xn, n, steps, up);
        int ff = c.feedForwardLength();
        pool.parallelFor(n * ff, (from, to) -> Gelu.gatedInPlace(gate, up, from, to));
        matMul(L.down(), gate, n, steps, proj);
        pool.parallelFor(n, (from, to) -> {
            for (int t = from; t < to; t++) {
                RmsNorm.apply(proj, t * d, L.postFfwNorm(), proj, t * d, d, eps);
                for (int i = 0; i < d; i++) {
                    x[t * d + i] += proj[t * d + i];
                }
            }
        });
    }

    private void matMul(WeightMatrix m, float[] in, int n, int steps, float[] out) {
        // the integer kernels quantize into buffers of their own: a model they cover never makes this one
        // (22 MB for a 512-token batch on the 4B shape)
        if (m.usesScratch() && rounded == null) {
            rounded = new float[roundedLength];
        }
        m.matMul(pool, in, n, steps, out, rounded);
    }
}
