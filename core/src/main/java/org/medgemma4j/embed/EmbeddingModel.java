package org.medgemma4j.embed;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.medgemma4j.gguf.GgufException;
import org.medgemma4j.gguf.GgufMetadata;
import org.medgemma4j.model.Gemma3Config;
import org.medgemma4j.model.Gemma3Inference;
import org.medgemma4j.model.Gemma3Model;
import org.medgemma4j.model.KvCache;
import org.medgemma4j.model.KvCacheType;
import org.medgemma4j.tensor.WorkerPool;
import org.medgemma4j.tokenizer.Tokenizer;

/**
 * An EmbeddingGemma GGUF (arch gemma-embedding) turning text into one unit vector, as llama.cpp computes
 * it: the tokens (with BOS/EOS as the file's add_bos_token/add_eos_token say) through Gemma 3 layers that
 * attend both ways, the rows pooled (mean), the optional dense head, then L2 normalisation. Several texts
 * share a forward pass, each in its own cache, so the weights are read once for all of them.
 *
 * <p>Keys and values are kept in F16, as llama.cpp's flash attention casts them. One pass at a time: the
 * methods are synchronized.
 */
public final class EmbeddingModel implements AutoCloseable {

    /** The most tokens one forward pass takes (and so the longest text, if the model's context is longer). */
    static final int MAX_PASS_TOKENS = 2048;

    private final Gemma3Model model;
    private final Tokenizer tokenizer;
    private final WorkerPool pool;
    private final Pooling pooling;
    private final DenseHead dense;
    private final Gemma3Inference inference;
    private final int maxTokens;
    private final float[] hidden;

    private EmbeddingModel(Gemma3Model model, Tokenizer tokenizer, WorkerPool pool, Pooling pooling, DenseHead dense) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.pool = pool;
        this.pooling = pooling;
        this.dense = dense;
        this.maxTokens = Math.min(model.config().contextLength(), MAX_PASS_TOKENS);
        this.inference = new Gemma3Inference(model, KvCacheType.F16, pool, maxTokens);
        this.hidden = new float[maxTokens * model.config().embeddingLength()];
    }

    /** Opens a gemma-embedding GGUF with {@code threads} compute threads; another architecture is a clear error. */
    public static EmbeddingModel open(Path file, int threads) throws GgufException {
        Gemma3Model model = Gemma3Model.load(file, Gemma3Config.EMBEDDING_ARCH);
        WorkerPool pool = null;
        try {
            GgufMetadata m = model.file().metadata();
            String key = Gemma3Config.EMBEDDING_ARCH + ".pooling_type";
            Pooling pooling = Pooling.of(file, m.has(key) ? m.getInt(key) : null);
            DenseHead dense = DenseHead.load(model.file(), model.config().embeddingLength());
            Tokenizer tokenizer = Tokenizer.of(model.file());
            pool = new WorkerPool(threads);
            return new EmbeddingModel(model, tokenizer, pool, pooling, dense);
        } catch (GgufException | RuntimeException e) {
            if (pool != null) {
                pool.close();
            }
            model.close();
            throw e;
        }
    }

    /** The model's name (general.name, else the file name). */
    public String name() {
        return model.config().name();
    }

    /** The vector's full size (EmbeddingGemma: 768). */
    public int dimensions() {
        return model.config().embeddingLength();
    }

    /** The most tokens a text may have (with BOS and EOS). */
    public int maxTokens() {
        return maxTokens;
    }

    public Pooling pooling() {
        return pooling;
    }

    public boolean hasDenseHead() {
        return dense != null;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public Gemma3Model model() {
        return model;
    }

    public int threads() {
        return pool.threads();
    }

    /** The tokens the model sees for {@code text}: special-token text parsed, BOS/EOS as the file asks. */
    public int[] tokenize(String text) {
        return tokenizer.encode(text, true, true);
    }

    /** The unit vector of {@code text} at full size (give it a prompt first: see {@link EmbeddingPrompt}). */
    public float[] embed(String text) {
        return embed(List.of(text)).getFirst();
    }

    /** The unit vector of {@code text}, truncated to {@code dims} and renormalised (Matryoshka). */
    public float[] embed(String text, int dims) {
        return Vectors.truncate(embed(text), dims);
    }

    /** The unit vectors of several texts, in order; texts share forward passes. */
    public List<float[]> embed(List<String> texts) {
        List<int[]> ids = new ArrayList<>(texts.size());
        for (String t : texts) {
            ids.add(tokenize(t));
        }
        return embedTokens(ids);
    }

    /** The unit vectors of token sequences, in order. */
    public synchronized List<float[]> embedTokens(List<int[]> sequences) {
        for (int[] s : sequences) {
            if (s.length == 0) {
                throw new IllegalArgumentException("nothing to embed: the text has no tokens");
            }
            if (s.length > maxTokens) {
                throw new IllegalArgumentException("the text is " + s.length + " tokens; " + name() + " embeds at most "
                        + maxTokens + " at once (split it, e.g. into passages)");
            }
        }
        List<float[]> out = new ArrayList<>(sequences.size());
        int i = 0;
        while (i < sequences.size()) {
            // pack whole sequences into one pass
            int from = i;
            int tokens = 0;
            while (i < sequences.size() && tokens + sequences.get(i).length <= maxTokens) {
                tokens += sequences.get(i++).length;
            }
            out.addAll(pass(sequences.subList(from, i), tokens));
        }
        return out;
    }

    private List<float[]> pass(List<int[]> sequences, int count) {
        int[] ids = new int[count];
        int[] positions = new int[count];
        KvCache[] caches = new KvCache[count];
        List<KvCache> opened = new ArrayList<>(sequences.size());
        try {
            int t = 0;
            for (int[] s : sequences) {
                KvCache cache = new KvCache(model.config(), s.length, s.length, KvCacheType.F16);
                opened.add(cache);
                for (int p = 0; p < s.length; p++, t++) {
                    ids[t] = s[p];
                    positions[t] = p;
                    caches[t] = cache;
                }
            }
            inference.encode(ids, positions, caches, count, hidden);
        } finally {
            opened.forEach(KvCache::close);
        }
        int d = dimensions();
        List<float[]> out = new ArrayList<>(sequences.size());
        int start = 0;
        for (int[] s : sequences) {
            float[] pooled = new float[d];
            pooling.pool(hidden, start, s.length, d, pooled);
            out.add(Vectors.normalize(dense == null ? pooled : dense.apply(pool, pooled)));
            start += s.length;
        }
        return out;
    }

    @Override
    public void close() {
        pool.close();
        model.close();
    }
}
