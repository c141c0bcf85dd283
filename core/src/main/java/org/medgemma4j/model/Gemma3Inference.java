package org.medgemma4j.model;

import org.medgemma4j.tensor.WeightMatrix;
import org.medgemma4j.tensor.WorkerPool;

/**
 * The Gemma 3 forward pass over one sequence (llama.cpp src/models/gemma3.cpp): many prompt tokens per
 * pass or one token at a time, appending to a KV cache. Buffers are allocated once for the largest batch.
 *
 * <pre>
 * x = embd[token] * sqrt(d)
 * per layer: h = x + post_attn_norm(attn(attn_norm(x)));  x = h + post_ffw_norm(ffn(ffn_norm(h)))
 * logits = output(output_norm(x))
 * </pre>
 */
public final class Gemma3Inference {

    private final Gemma3Config c;
    private final Gemma3Weights w;
    private final KvCache cache;
    private final WorkerPool pool;
    private final int maxBatch;
    private final Rope localRope;
    private final Rope globalRope;
    private final float embedScale;

    private final float[] x;      // residual stream [batch][d]
    private final float[] xn;     // normalised input of a block [batch][d]
    private final float[] q;      // [batch][heads * keyLength]
    private final float[] k;      // [batch][kvHeads * keyLength]
    private final float[] v;      // [batch][kvHeads * valueLength]
    private final float[] att;    // attention output [batch][heads * valueLength]
    private final float[] proj;   // a block's output before its post-norm [batch][d]
    private final float[] gate;   // [batch][ff]
    private final float[] up;     // [batch][ff]
    private final float[] rounded; // a matrix product's input as llama.cpp rounds it for the weight type
    private final float[] cosLocal;
    private final float[] sinLocal;
    private final float[] cosGlobal;
    private final float[] sinGlobal;
    private final Attention[] attention;

    public Gemma3Inference(Gemma3Model model, KvCache cache, WorkerPool pool, int maxBatch) {
        this.c = model.config();
        this.w = model.weights();
        this.cache = cache;
        this.pool = pool;
        this.maxBatch = maxBatch;
        int d = c.embeddingLength();
        int hq = c.headCount() * c.keyLength();
        int hk = c.headCountKv() * c.keyLength();
        this.localRope = new Rope(c.ropeFreqBaseLocal(), 1.0f, c.keyLength());
        this.globalRope = new Rope(c.ropeFreqBase(), c.ropeScale(), c.keyLength());
        this.embedScale = (float) Math.sqrt(d);
        this.x = new float[maxBatch * d];
        this.xn = new float[maxBatch * d];
        this.q = new float[maxBatch * hq];
        this.k = new float[maxBatch * hk];
        this.v = new float[maxBatch * c.headCountKv() * c.valueLength()];
        this.att = new float[maxBatch * c.headCount() * c.valueLength()];
        this.proj = new float[maxBatch * d];
        this.gate = new float[maxBatch * c.feedForwardLength()];
        this.up = new float[maxBatch * c.feedForwardLength()];
        this.rounded = new float[maxBatch * Math.max(Math.max(d, c.feedForwardLength()), c.headCount() * c.valueLength())];
        int half = c.keyLength() / 2;
        this.cosLocal = new float[maxBatch * half];
        this.sinLocal = new float[maxBatch * half];
        this.cosGlobal = new float[maxBatch * half];
        this.sinGlobal = new float[maxBatch * half];
        this.attention = new Attention[pool.threads()];
        for (int i = 0; i < attention.length; i++) {
            attention[i] = new Attention(cache, c.keyLength());
        }
    }

    public int maxBatch() {
        return maxBatch;
    }

    public KvCache cache() {
        return cache;
    }

    /**
     * Runs {@code count} tokens at positions start, start+1, ... and returns the logits of the last one
     * (into {@code logits}, n_vocab floats) or, when {@code allLogits} is a [count][n_vocab] array, of every one.
     */
    public void forward(int[] tokens, int offset, int count, int start, float[] logits, float[][] allLogits) {
        if (count < 1 || count > maxBatch) {
            throw new IllegalArgumentException("a pass takes 1 to " + maxBatch + " tokens, got " + count);
        }
        if (start < 0 || start + count > cache.contextLength()) {
            throw new IllegalArgumentException("positions " + start + ".." + (start + count - 1)
                    + " exceed the context of " + cache.contextLength() + " tokens");
        }
        int d = c.embeddingLength();
        for (int t = 0; t < count; t++) {
            int token = tokens[offset + t];
            if (token < 0 || token >= c.vocabSize()) {
                throw new IllegalArgumentException("token id " + token + " is outside the vocabulary (0.." + (c.vocabSize() - 1) + ")");
            }
            w.tokenEmbedding.dequantizeRow(token, x, t * d);
            for (int i = 0; i < d; i++) {
                x[t * d + i] *= embedScale;
            }
            int half = c.keyLength() / 2;
            localRope.angles(start + t, cosLocal, sinLocal, t * half);
            globalRope.angles(start + t, cosGlobal, sinGlobal, t * half);
        }
        for (int l = 0; l < c.blockCount(); l++) {
            layer(l, count, start);
        }
        if (allLogits != null) {
            for (int t = 0; t < count; t++) {
                RmsNorm.apply(x, t * d, w.outputNorm, xn, t * d, d, c.rmsEps());
            }
            float[] flat = new float[count * c.vocabSize()];
            matMul(w.output, xn, count, flat);
            for (int t = 0; t < count; t++) {
                System.arraycopy(flat, t * c.vocabSize(), allLogits[t], 0, c.vocabSize());
            }
        }
        if (logits != null) {
            int last = (count - 1) * d;
            RmsNorm.apply(x, last, w.outputNorm, xn, 0, d, c.rmsEps());
            matMul(w.output, xn, 1, logits);
        }
    }

    private void layer(int l, int n, int start) {
        Gemma3Weights.Layer L = w.layers.get(l);
        int d = c.embeddingLength();
        float eps = c.rmsEps();
        for (int t = 0; t < n; t++) {
            RmsNorm.apply(x, t * d, L.attnNorm(), xn, t * d, d, eps);
        }
        matMul(L.q(), xn, n, q);
        matMul(L.k(), xn, n, k);
        matMul(L.v(), xn, n, v);

        boolean sliding = c.isSliding(l);
        float[] cos = sliding ? cosLocal : cosGlobal;
        float[] sin = sliding ? sinLocal : sinGlobal;
        Rope rope = sliding ? localRope : globalRope;
        int hd = c.keyLength();
        int half = hd / 2;
        int hq = c.headCount() * hd;
        int hk = c.headCountKv() * hd;
        for (int t = 0; t < n; t++) {
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
            cache.store(l, start + t, k, t * hk, v, t * c.headCountKv() * c.valueLength(), hk);
        }

        int heads = c.headCount();
        int group = heads / c.headCountKv();
        int window = c.slidingWindow();
        int dv = c.valueLength();
        pool.parallelFor(n * heads, (worker, from, to) -> {
            Attention a = attention[worker];
            for (int i = from; i < to; i++) {
                int t = i / heads;
                int h = i % heads;
                int pos = start + t;
                int lo = sliding ? Math.max(0, pos - window + 1) : 0;
                a.attend(cache, l, q, t * hq + h * hd, (h / group) * hd, lo, pos, att, t * heads * dv + h * dv);
            }
        });
        matMul(L.attnOutput(), att, n, proj);
        for (int t = 0; t < n; t++) {
            RmsNorm.apply(proj, t * d, L.postAttentionNorm(), proj, t * d, d, eps);
            for (int i = 0; i < d; i++) {
                x[t * d + i] += proj[t * d + i];
            }
            RmsNorm.apply(x, t * d, L.ffnNorm(), xn, t * d, d, eps);
        }
        matMul(L.gate(), xn, n, gate);
        matMul(L.up(), xn, n, up);
        int ff = c.feedForwardLength();
        pool.parallelFor(n * ff, (from, to) -> Gelu.gatedInPlace(gate, up, from, to));
        matMul(L.down(), gate, n, proj);
        for (int t = 0; t < n; t++) {
            RmsNorm.apply(proj, t * d, L.postFfwNorm(), proj, t * d, d, eps);
            for (int i = 0; i < d; i++) {
                x[t * d + i] += proj[t * d + i];
            }
        }
    }

    private void matMul(WeightMatrix m, float[] in, int n, float[] out) {
        m.matMul(pool, in, n, out, rounded);
    }
}
