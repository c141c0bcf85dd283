package org.medgemma4j.generate;

import java.util.Arrays;
import org.medgemma4j.model.Gemma3Inference;
import org.medgemma4j.model.Gemma3Model;
import org.medgemma4j.model.KvCache;
import org.medgemma4j.model.KvCacheType;
import org.medgemma4j.sampling.Sampler;
import org.medgemma4j.tensor.WorkerPool;
import org.medgemma4j.tokenizer.Tokenizer;
import org.medgemma4j.tokenizer.Vocabulary;

/**
 * One sequence: its KV cache and the tokens in it. Each request evaluates only the part of its prompt
 * that differs from what the cache already holds (the shared prefix of a conversation is reused), then
 * samples until the model ends its turn, a stop string, the token limit or the context end.
 */
public final class Session implements AutoCloseable {

    private final Gemma3Model model;
    private final Tokenizer tokenizer;
    private final KvCache cache;
    private final Gemma3Inference inference;
    /** The sequence: its first {@code cached} tokens have their keys and values in the cache. */
    private final int[] sequence;
    private int cached;
    private final float[] logits;

    public Session(Gemma3Model model, Tokenizer tokenizer, WorkerPool pool, int contextLength, KvCacheType kvType, int maxBatch) {
        this.model = model;
        this.tokenizer = tokenizer;
        int ctx = Math.min(contextLength, model.config().contextLength());
        this.inference = new Gemma3Inference(model, kvType, pool, maxBatch);
        this.cache = inference.newCache(ctx);
        this.logits = new float[model.config().vocabSize()];
        this.sequence = new int[cache.contextLength()];
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public Gemma3Model model() {
        return model;
    }

    public int contextLength() {
        return cache.contextLength();
    }

    /** The tokens whose keys and values are in the cache. */
    public int[] cachedTokens() {
        return Arrays.copyOf(sequence, cached);
    }

    /** Forgets the cached sequence. */
    public void reset() {
        cached = 0;
    }

    /** Generates a continuation of {@code prompt}, streaming text to {@code out}. */
    public GenerationResult generate(int[] prompt, GenerationOptions options, TokenStream out) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("the prompt is empty");
        }
        if (prompt.length >= cache.contextLength()) {
            throw new ContextOverflowException(prompt.length, cache.contextLength());
        }
        long t0 = System.nanoTime();
        int reused = evaluatePrompt(prompt);
        long t1 = System.nanoTime();

        Sampler sampler = new Sampler(options.sampling());
        AnswerStream answer = new AnswerStream(tokenizer, options.stopStrings(), out);
        Vocabulary v = tokenizer.vocabulary();
        int length = prompt.length;
        int generated = 0;
        StopReason reason = null;
        while (reason == null) {
            if (out.cancelled()) {
                reason = StopReason.CANCELLED;
                break;
            }
            int token = sampler.sample(logits, sequence, length);
            if (!options.ignoreEos() && (token == v.endOfTurn() || token == v.eos())) {
                reason = StopReason.END_OF_TURN;
                break;
            }
            sequence[length++] = token;
            generated++;
            if (answer.accept(token)) {
                reason = StopReason.STOP_STRING;
            } else if (options.maxTokens() >= 0 && generated >= options.maxTokens()) {
                reason = StopReason.MAX_TOKENS;
            } else if (length >= cache.contextLength()) {
                reason = StopReason.CONTEXT_FULL;
            } else {
                inference.forward(cache, sequence, length - 1, 1, length - 1, logits, null);
                cached = length;
            }
        }
        answer.finish();
        long t2 = System.nanoTime();
        int[] gen = Arrays.copyOfRange(sequence, prompt.length, length);
        return new GenerationResult(gen, answer.text(), answer.thinking(), reason, prompt.length, reused, t1 - t0, t2 - t1);
    }

    /**
     * Brings the cache to hold {@code prompt} and leaves the logits of its last token; returns how many
     * prompt tokens were already cached.
     */
    private int evaluatePrompt(int[] prompt) {
        int common = 0;
        int limit = Math.min(cached, prompt.length - 1); // the last prompt token is always evaluated
        while (common < limit && sequence[common] == prompt[common]) {
            common++;
        }
        if (!canRewindTo(common)) {
            common = 0;
        }
        evaluate(prompt, common, prompt.length - common, null);
        return common;
    }

    /**
     * Sliding-window layers keep a ring of window + batch - 1 positions: rewinding to {@code position}
     * works while the positions after it have not overwritten the window before it.
     */
    private boolean canRewindTo(int position) {
        int window = model.config().slidingWindow();
        for (int l = 0; l < model.config().blockCount(); l++) {
            int ring = cache.capacity(l);
            if (ring < cache.contextLength() && cached - position > ring - window) {
                return position == cached;
            }
        }
        return true;
    }

    /**
     * Runs {@code count} tokens of {@code ids} from {@code offset} at positions offset.., in batches; keeps the
     * last logits, and every position's logits in {@code all} when given.
     */
    public void evaluate(int[] ids, int offset, int count, float[][] all) {
        if (offset + count > cache.contextLength()) {
            throw new ContextOverflowException(offset + count, cache.contextLength());
        }
        if (offset > cached) {
            throw new IllegalArgumentException("position " + offset + " is past the " + cached + " cached tokens");
        }
        System.arraycopy(ids, offset, sequence, offset, count);
        cached = Math.min(cached, offset);
        for (int done = 0; done < count; ) {
            int n = Math.min(inference.maxBatch(), count - done);
            float[][] rows = all == null ? null : Arrays.copyOfRange(all, done, done + n);
            inference.forward(cache, sequence, offset + done, n, offset + done, logits, rows);
            done += n;
            cached = offset + done;
        }
    }

    /** The logits after the last evaluated token (a copy). */
    public float[] logits() {
        return logits.clone();
    }

    @Override
    public void close() {
        cache.close();
    }
}
