package org.medgemma4j.vision;

import org.medgemma4j.model.Gelu;
import org.medgemma4j.tensor.FloatGemm;
import org.medgemma4j.tensor.WeightMatrix;
import org.medgemma4j.tensor.WorkerPool;

/**
 * The SigLIP vision transformer and the Gemma 3 projector, as llama.cpp computes them on its CPU backend
 * (tools/mtmd/models/siglip.cpp, clip.cpp build_vit; flash attention off):
 *
 * <pre>
 * x = conv14x14(pixels) + bias + position      (the convolution is one matrix product over all patches)
 * per block: x += out(attn(LN1(x)));  x += fc2(gelu(fc1(LN2(x))))     (attention over all patches, no mask)
 * x = LN_post(x); 4x4 average pool -> 256 tokens; RMSNorm * soft_emb_norm; x input_projection
 * </pre>
 *
 * Every matrix product runs over all patches at once ({@link WeightMatrix#matMul}'s prompt path: weights
 * decoded once per tile and multiplied with every patch). Attention runs per head on blocks of queries:
 * scores against every key and the weighted sum of values are float matrix products too. Buffers are
 * allocated once; one image at a time.
 */
public final class SiglipEncoder {

    private static final int QUERY_BLOCK = 32;

    private final VisionConfig c;
    private final VisionWeights w;
    private final WorkerPool pool;
    private final int n;      // patches
    private final int d;      // width
    private final float[] patches; // [n][3*p*p]
    private final float[] x;
    private final float[] xn;
    private final float[] q;
    private final float[] k;
    private final float[] v;
    private final float[] att;
    private final float[] proj;
    private final float[] hidden;  // [n][ff]
    private final float[] keysByHead;   // [head][n][headDim]
    private final float[] valuesByHead; // [head][headDim][n]
    private final float[][] scores;     // per worker [QUERY_BLOCK][n]
    private float[] scratch;

    public SiglipEncoder(VisionConfig config, VisionWeights weights, WorkerPool pool) {
        this.c = config;
        this.w = weights;
        this.pool = pool;
        this.n = config.patchCount();
        this.d = config.width();
        this.patches = new float[n * config.patchLength()];
        this.x = new float[n * d];
        this.xn = new float[n * d];
        this.q = new float[n * d];
        this.k = new float[n * d];
        this.v = new float[n * d];
        this.att = new float[n * d];
        this.proj = new float[n * d];
        this.hidden = new float[n * config.feedForwardLength()];
        this.keysByHead = new float[n * d];
        this.valuesByHead = new float[n * d];
        this.scores = new float[pool.threads()][QUERY_BLOCK * n];
        this.scratch = new float[0];
    }

    /**
     * Bytes of the buffers an encoder of {@code config} allocates on {@code threads} workers (the activations of
     * all patches, the attention's per-worker score rows, the matrix products' scratch, the projector's output):
     * what {@code fit} counts for images beside the mmproj's weights.
     */
    public static long bufferBytes(VisionConfig config, int threads) {
        long n = config.patchCount();
        long d = config.width();
        long tokens = config.tokenCount();
        long floats = n * config.patchLength() + 9 * n * d + n * config.feedForwardLength()
                + (long) threads * QUERY_BLOCK * n
                + WeightMatrix.scratchLength((int) n, Math.max(config.width(), config.feedForwardLength()))
                + tokens * d + tokens * config.projectionDim() + 3L * config.imageSize() * config.imageSize();
        return 4 * floats;
    }

    /** Floats of input: 3 planes (R, G, B) of imageSize x imageSize normalised pixels. */
    public int inputLength() {
        return 3 * c.imageSize() * c.imageSize();
    }

    /**
     * The image's embeddings for the text model: {@link VisionConfig#tokenCount} rows of
     * {@link VisionConfig#projectionDim} floats, from planar normalised pixels ({@link #inputLength} floats).
     */
    public float[] encode(float[] pixels) {
        if (pixels.length != inputLength()) {
            throw new IllegalArgumentException("expected " + inputLength() + " pixel values, got " + pixels.length);
        }
        embedPatches(pixels);
        for (VisionWeights.Block b : w.blocks) {
            block(b);
        }
        layerNorm(x, w.postNormWeight, w.postNormBias, x);
        return project();
    }

    private void embedPatches(float[] pixels) {
        int p = c.patchSize();
        int side = c.patchesPerSide();
        int size = c.imageSize();
        int len = c.patchLength();
        pool.parallelFor(n, (from, to) -> {
            for (int patch = from; patch < to; patch++) {
                int py = patch / side;
                int px = patch % side;
                int o = patch * len;
                for (int ch = 0; ch < 3; ch++) {
                    for (int ky = 0; ky < p; ky++) {
                        System.arraycopy(pixels, ch * size * size + (py * p + ky) * size + px * p, patches, o, p);
                        o += p;
                    }
                }
            }
        });
        matMul(w.patchEmbedding, patches, n, x);
        pool.parallelFor(n, (from, to) -> {
            for (int t = from; t < to; t++) {
                for (int i = 0; i < d; i++) {
                    x[t * d + i] = (x[t * d + i] + w.patchBias[i]) + w.positionEmbedding[t * d + i];
                }
            }
        });
    }

    private void block(VisionWeights.Block b) {
        layerNorm(x, b.ln1Weight(), b.ln1Bias(), xn);
        matMulBias(b.q(), b.qBias(), xn, q);
        matMulBias(b.k(), b.kBias(), xn, k);
        matMulBias(b.v(), b.vBias(), xn, v);
        attention();
        matMulBias(b.out(), b.outBias(), att, proj);
        addInto(x, proj);
        layerNorm(x, b.ln2Weight(), b.ln2Bias(), xn);
        matMulBias(b.fc1(), b.fc1Bias(), xn, hidden);
        int ff = c.feedForwardLength();
        pool.parallelFor(n * ff, (from, to) -> Gelu.inPlace(hidden, from, to));
        matMulBias(b.fc2(), b.fc2Bias(), hidden, proj);
        addInto(x, proj);
    }

    /** softmax(q k^T / sqrt(head_dim)) v per head, every patch seeing every patch. */
    private void attention() {
        int heads = c.headCount();
        int hd = c.headDim();
        // each head's keys as contiguous rows and its values transposed: both products then read rows
        pool.parallelFor(heads * n, (from, to) -> {
            for (int i = from; i < to; i++) {
                int h = i / n;
                int t = i % n;
                System.arraycopy(k, t * d + h * hd, keysByHead, (h * n + t) * hd, hd);
                for (int j = 0; j < hd; j++) {
                    valuesByHead[(h * hd + j) * n + t] = v[t * d + h * hd + j];
                }
            }
        });
        float scale = (float) (1.0 / Math.sqrt(hd));
        int blocks = (n + QUERY_BLOCK - 1) / QUERY_BLOCK;
        pool.parallelFor(heads * blocks, (worker, from, to) -> {
            float[] s = scores[worker];
            for (int i = from; i < to; i++) {
                int h = i / blocks;
                int q0 = (i % blocks) * QUERY_BLOCK;
                int count = Math.min(QUERY_BLOCK, n - q0);
                FloatGemm.multiply(keysByHead, h * n * hd, n, hd, q, q0 * d + h * hd, d, count, s, 0, n);
                for (int r = 0; r < count; r++) {
                    softmax(s, r * n, n, scale);
                }
                FloatGemm.multiply(valuesByHead, h * hd * n, hd, n, s, 0, n, count, att, q0 * d + h * hd, d);
            }
        });
    }

    /** ggml_soft_max_ext without a mask: scaled, max subtracted, exp, normalised by the (double) sum. */
    private static void softmax(float[] s, int off, int len, float scale) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = off; i < off + len; i++) {
            s[i] *= scale;
            max = Math.max(max, s[i]);
        }
        double sum = 0;
        for (int i = off; i < off + len; i++) {
            float e = (float) Math.exp(s[i] - max);
            s[i] = e;
            sum += e;
        }
        float inv = (float) (1.0 / sum);
        for (int i = off; i < off + len; i++) {
            s[i] *= inv;
        }
    }

    /** ggml_norm (mean and variance summed in double) times weight plus bias, per patch. */
    private void layerNorm(float[] in, float[] weight, float[] bias, float[] out) {
        float eps = c.layerNormEps();
        pool.parallelFor(n, (from, to) -> {
            for (int t = from; t < to; t++) {
                int o = t * d;
                double sum = 0;
                for (int i = 0; i < d; i++) {
                    sum += in[o + i];
                }
                float mean = (float) (sum / d);
                double sum2 = 0;
                for (int i = 0; i < d; i++) {
                    float e = in[o + i] - mean;
                    out[o + i] = e;
                    sum2 += (double) (e * e);
                }
                float variance = (float) (sum2 / d);
                float scale = 1.0f / (float) Math.sqrt(variance + eps);
                for (int i = 0; i < d; i++) {
                    out[o + i] = out[o + i] * scale * weight[i] + bias[i];
                }
            }
        });
    }

    /** Average pool of kernel x kernel patches, RMS norm times soft_emb_norm, then the input projection. */
    private float[] project() {
        int side = c.patchesPerSide();
        int kernel = c.poolKernel();
        int outSide = side / kernel;
        int tokens = c.tokenCount();
        float[] pooled = new float[tokens * d];
        float area = kernel * kernel;
        for (int oy = 0; oy < outSide; oy++) {
            for (int ox = 0; ox < outSide; ox++) {
                int o = (oy * outSide + ox) * d;
                for (int i = 0; i < d; i++) {
                    float sum = 0;
                    for (int ky = 0; ky < kernel; ky++) {
                        for (int kx = 0; kx < kernel; kx++) {
                            sum += x[((oy * kernel + ky) * side + ox * kernel + kx) * d + i];
                        }
                    }
                    pooled[o + i] = sum / area;
                }
            }
        }
        for (int t = 0; t < tokens; t++) {
            int o = t * d;
            double sum = 0;
            for (int i = 0; i < d; i++) {
                sum += (double) (pooled[o + i] * pooled[o + i]);
            }
            float scale = 1.0f / (float) Math.sqrt((float) (sum / d) + c.layerNormEps());
            for (int i = 0; i < d; i++) {
                pooled[o + i] = pooled[o + i] * scale * w.softEmbNorm[i];
            }
        }
        float[] out = new float[tokens * c.projectionDim()];
        matMul(w.inputProjection, pooled, tokens, out);
        return out;
    }

    private void matMulBias(WeightMatrix m, float[] bias, float[] in, float[] out) {
        matMul(m, in, n, out);
        int rows = m.rows();
        pool.parallelFor(n, (from, to) -> {
            for (int t = from; t < to; t++) {
                for (int i = 0; i < rows; i++) {
                    out[t * rows + i] += bias[i];
                }
            }
        });
    }

    private void matMul(WeightMatrix m, float[] in, int count, float[] out) {
        int need = WeightMatrix.scratchLength(count, m.cols());
        if (scratch.length < need) {
            scratch = new float[need];
        }
        m.matMul(pool, in, count, 0, out, scratch);
    }

    private void addInto(float[] acc, float[] add) {
        pool.parallelFor(n * d, (from, to) -> {
            for (int i = from; i < to; i++) {
                acc[i] += add[i];
            }
        });
    }
}
