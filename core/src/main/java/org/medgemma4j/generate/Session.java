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
     * Generates a continuation of a prompt holding images: {@code prompt} has each image's
     * {@link ImageSpan#marker} at its positions. What the cache already holds is reused (an image too, when
     * the same image sits at the same place); the rest is evaluated text, image, text, ... and generation
     * proceeds as for a text prompt.
     */
    public GenerationResult generate(int[] prompt, java.util.List<ImageSpan> images, GenerationOptions options, TokenStream out) {
        prefill(prompt, images, null);
        return generate(prompt, options, out);
    }

    /**
     * Evaluates a prompt holding images (see {@link #generate(int[], java.util.List, GenerationOptions, TokenStream)})
     * from an empty cache; every position's logits into {@code all} when given, the last kept.
     */
    public void evaluate(int[] prompt, java.util.List<ImageSpan> images, float[][] all) {
        reset();
        int done = 0;
        for (ImageSpan image : images) {
            evaluateText(prompt, done, image.start(), all);
            sequence.evaluateImage(inference, image, all == null ? null : java.util.Arrays.copyOfRange(all, image.start(), image.end()));
            done = image.end();
        }
        evaluateText(prompt, done, prompt.length, all);
    }

    private void evaluateText(int[] prompt, int from, int to, float[][] all) {
        if (to > from) {
            sequence.evaluate(inference, prompt, from, to - from, all == null ? null : java.util.Arrays.copyOfRange(all, from, to));
        }
    }

    /** Evaluates the prompt up to the end of its last image, reusing what the cache holds. */
    private void prefill(int[] prompt, java.util.List<ImageSpan> images, float[][] all) {
        sequence.prefillImages(inference, prompt, images);
    }

    /**
     * Runs {@code count} tokens of {@code ids} from {@code offset} at positions offset.., in batches; keeps the
     * last logits, and every position's logits in {@code all} when given.
     */
    public void evaluate(int[] ids, int offset, int count, float[][] all) {
        sequence.evaluate(inference, ids, offset, count, all);
    }

    /**
     * Runs an image's embeddings at its positions, right after the cached tokens; the last logits kept, every
     * position's in {@code all} when given (at least {@link ImageSpan#count} rows).
     */
    public void evaluateImage(ImageSpan image, float[][] all) {
        sequence.evaluateImage(inference, image, all == null ? null : java.util.Arrays.copyOf(all, image.count()));
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
