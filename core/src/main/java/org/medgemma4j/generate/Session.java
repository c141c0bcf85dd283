package org.medgemma4j.generate;

import org.medgemma4j.model.Gemma3Inference;
import org.medgemma4j.model.Gemma3Model;
import org.medgemma4j.model.KvCache;
import org.medgemma4j.model.KvCacheType;
import org.medgemma4j.tensor.WorkerPool;
import org.medgemma4j.tokenizer.Tokenizer;

/**
 * One sequence run alone: its KV cache and the tokens in it. Each request evaluates only the part of its
 * prompt that differs from what the cache already holds (the shared prefix of a conversation is reused),
 * then samples until the model ends its turn, a stop string, the token limit or the context end.
 */
public final class Session implements AutoCloseable {

    private final Gemma3Model model;
    private final Tokenizer tokenizer;
    private final Gemma3Inference inference;
    private final Sequence sequence;
    // one batch's arguments, reused
    private final int[] ids;
    private final int[] positions;
    private final KvCache[] caches;
    private final float[][] rows;

    public Session(Gemma3Model model, Tokenizer tokenizer, WorkerPool pool, int contextLength, KvCacheType kvType, int maxBatch) {
        this.model = model;
        this.tokenizer = tokenizer;
        int ctx = Math.min(contextLength, model.config().contextLength());
        this.inference = new Gemma3Inference(model, kvType, pool, maxBatch);
        this.sequence = new Sequence(model, tokenizer, inference.newCache(ctx));
        this.ids = new int[maxBatch];
        this.positions = new int[maxBatch];
        this.caches = new KvCache[maxBatch];
        this.rows = new float[maxBatch][];
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public Gemma3Model model() {
        return model;
    }

    public int contextLength() {
        return sequence.contextLength();
    }

    /** The tokens whose keys and values are in the cache. */
    public int[] cachedTokens() {
        return sequence.cachedTokens();
    }

    /** Forgets the cached sequence. */
    public void reset() {
        sequence.reset();
    }

    /** Generates a continuation of {@code prompt}, streaming text to {@code out}. */
    public GenerationResult generate(int[] prompt, GenerationOptions options, TokenStream out) {
        sequence.start(prompt, options, out);
        while (!sequence.finished()) {
            boolean step = sequence.stepping();
            int n = sequence.feed(ids, positions, caches, rows, 0, inference.maxBatch());
            inference.forward(ids, positions, caches, rows, step ? n : 0, n);
            sequence.evaluated();
        }
        return sequence.result();
    }

    /**
     * Runs {@code count} tokens of {@code ids} from {@code offset} at positions offset.., in batches; keeps the
     * last logits, and every position's logits in {@code all} when given.
     */
    public void evaluate(int[] ids, int offset, int count, float[][] all) {
        sequence.evaluate(inference, ids, offset, count, all);
    }

    /** The logits after the last evaluated token (a copy). */
    public float[] logits() {
        return sequence.logits();
    }

    @Override
    public void close() {
        sequence.close();
    }
}
