package org.medgemma4j.generate;

import java.util.Arrays;
import org.medgemma4j.grammar.TokenConstraint;
import org.medgemma4j.model.Gemma3Inference;
import org.medgemma4j.model.Gemma3Model;
import org.medgemma4j.model.KvCache;
import org.medgemma4j.sampling.Sampler;
import org.medgemma4j.tokenizer.Tokenizer;
import org.medgemma4j.tokenizer.Vocabulary;

/**
 * One sequence driven a step at a time, so that a scheduler can put many of them through one forward
 * pass (continuous batching) and {@link Session} can run one alone with the same code.
 *
 * <p>A request {@link #start starts} with the part of its prompt the cache does not hold yet as pending
 * input. Each step the driver asks the sequence to {@link #feed} pending tokens into a batch, runs the
 * forward pass, and calls {@link #evaluated}; once all input is in the cache the sequence samples its next
 * token, which becomes the next pending input, until the model ends its turn, a stop string, the token
 * limit, the context end or a cancellation.
 */
public final class Sequence implements AutoCloseable {

    private final Gemma3Model model;
    private final Tokenizer tokenizer;
    private final KvCache cache;
    private final float[] logits;
    /** The tokens: the first {@code cached} have keys and values in the cache, those up to {@code length} wait to be. */
    private final int[] tokens;
    private int cached;
    private int length;
    /** Tokens put into the batch now being evaluated. */
    private int fed;

    private GenerationOptions options;
    private Sampler sampler;
    private AnswerStream answer;
    /** Keeps the answer inside the request's grammar; null for free text. */
    private TokenConstraint constraint;
    private TokenStream out;
    private int promptLength;
    private int reused;
    private int generated;
    private StopReason reason;
    private long started;
    private long firstLogits;
    private long finished;

    public Sequence(Gemma3Model model, Tokenizer tokenizer, KvCache cache) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.cache = cache;
        this.logits = new float[model.config().vocabSize()];
        this.tokens = new int[cache.contextLength()];
    }

    public int contextLength() {
        return cache.contextLength();
    }

    /** The tokens whose keys and values are in the cache. */
    public int[] cachedTokens() {
        return Arrays.copyOf(tokens, cached);
    }

    /** Forgets the cached tokens. */
    public void reset() {
        cached = 0;
        length = 0;
    }

    /** How many leading tokens of {@code prompt} a request could reuse from the cache. */
    public int reusablePrefix(int[] prompt) {
        int common = 0;
        int limit = Math.min(cached, prompt.length - 1); // the last prompt token is always evaluated
        while (common < limit && tokens[common] == prompt[common]) {
            common++;
        }
        return canRewindTo(common) ? common : 0;
    }

    /** Begins generating a continuation of {@code prompt}; its text goes to {@code out}. */
    public void start(int[] prompt, GenerationOptions options, TokenStream out) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("the prompt is empty");
        }
        if (prompt.length >= cache.contextLength()) {
            throw new ContextOverflowException(prompt.length, cache.contextLength());
        }
        this.started = System.nanoTime();
        this.firstLogits = 0;
        this.reused = reusablePrefix(prompt);
        System.arraycopy(prompt, reused, tokens, reused, prompt.length - reused);
        this.cached = reused;
        this.length = prompt.length;
        this.promptLength = prompt.length;
        this.options = options;
        this.out = out;
        this.sampler = new Sampler(options.sampling());
        this.answer = new AnswerStream(tokenizer, options.stopStrings(), out);
        // a thinking block may take half the token limit, so that the answer always has room
        this.constraint = options.grammar() == null ? null
                : new TokenConstraint(options.grammar(), tokenizer, options.maxTokens() < 0 ? -1 : options.maxTokens() / 2);
        this.generated = 0;
        this.reason = null;
        this.fed = 0;
    }

    /** True once the current request has ended (or before any has started). */
    public boolean finished() {
        return reason != null || out == null;
    }

    /** Tokens waiting to be evaluated: the rest of the prompt, or the one token sampled last. */
    public int pending() {
        return length - cached;
    }

    /**
     * Whether the pending input is the token sampled last (a next-token step) rather than prompt tokens: the
     * two are computed differently ({@link Gemma3Inference#forward(int[], int[], KvCache[], float[][], int, int)}).
     */
    public boolean stepping() {
        return cached >= promptLength;
    }

    /**
     * Puts up to {@code room} pending tokens into a batch from index {@code at}: their ids, positions and this
     * sequence's cache, with a logits row for the last pending token only. Returns how many were put.
     */
    public int feed(int[] ids, int[] positions, KvCache[] caches, float[][] rows, int at, int room) {
        int n = Math.min(room, pending());
        for (int i = 0; i < n; i++) {
            int position = cached + i;
            ids[at + i] = tokens[position];
            positions[at + i] = position;
            caches[at + i] = cache;
            rows[at + i] = position == length - 1 ? logits : null;
        }
        fed = n;
        return n;
    }

    /** Records that the fed tokens were evaluated; samples the next token once the input is all in. */
    public void evaluated() {
        if (finished()) {
            // ended (cancelled) while its tokens were being evaluated: the request is over, nothing to sample
            fed = 0;
            return;
        }
        cached += fed;
        fed = 0;
        if (cached == length) {
            if (generated == 0) {
                firstLogits = System.nanoTime();
            }
            sampleNext();
        }
    }

    private void sampleNext() {
        if (out.cancelled()) {
            finish(StopReason.CANCELLED);
            return;
        }
        // log-probabilities come from the raw distribution, before the grammar, penalties and filters
        float[] raw = options.logprobs() >= 0 ? logits.clone() : null;
        if (constraint != null) {
            constraint.mask(logits);
        }
        int token = sampler.sample(logits, tokens, length);
        Vocabulary v = tokenizer.vocabulary();
        // a grammar allows the end of turn only where its text is complete, and then it ends the answer
        if ((!options.ignoreEos() || constraint != null) && (token == v.endOfTurn() || token == v.eos())) {
            finish(StopReason.END_OF_TURN);
            return;
        }
        if (constraint != null) {
            constraint.accept(token);
        }
        if (raw != null) {
            out.onLogprob(TokenLogprob.of(raw, token, options.logprobs()));
        }
        tokens[length++] = token;
        generated++;
        if (answer.accept(token)) {
            finish(StopReason.STOP_STRING);
        } else if (constraint != null && constraint.complete()) {
            finish(StopReason.END_OF_TURN);
        } else if (options.maxTokens() >= 0 && generated >= options.maxTokens()) {
            finish(StopReason.MAX_TOKENS);
        } else if (length >= cache.contextLength()) {
            finish(StopReason.CONTEXT_FULL);
        }
    }

    /** Ends the request early (e.g. the server is shutting down). */
    public void cancel() {
        if (!finished()) {
            finish(StopReason.CANCELLED);
        }
    }

    private void finish(StopReason why) {
        reason = why;
        finished = System.nanoTime();
        if (firstLogits == 0) {
            firstLogits = finished;
        }
        answer.finish();
        // a last sampled token that was never evaluated is not in the cache
        length = cached;
    }

    /** The outcome of the request that has finished. */
    public GenerationResult result() {
        if (reason == null) {
            throw new IllegalStateException("the request has not finished");
        }
        int[] gen = Arrays.copyOfRange(tokens, promptLength, promptLength + generated);
        return new GenerationResult(gen, answer.text(), answer.thinking(), reason, promptLength, reused,
                firstLogits - started, finished - firstLogits);
    }

    /**
     * Runs {@code count} tokens of {@code ids} from {@code offset} at positions offset.., in batches of the
     * inference's size; keeps the last logits, and every position's logits in {@code all} when given.
     */
    void evaluate(Gemma3Inference inference, int[] ids, int offset, int count, float[][] all) {
        if (offset + count > cache.contextLength()) {
            throw new ContextOverflowException(offset + count, cache.contextLength());
        }
        if (offset > cached) {
            throw new IllegalArgumentException("position " + offset + " is past the " + cached + " cached tokens");
        }
        System.arraycopy(ids, offset, tokens, offset, count);
        cached = Math.min(cached, offset);
        length = cached;
        for (int done = 0; done < count; ) {
            int n = Math.min(inference.maxBatch(), count - done);
            float[][] rows = all == null ? null : Arrays.copyOfRange(all, done, done + n);
            inference.forward(cache, tokens, offset + done, n, offset + done, logits, rows);
            done += n;
            cached = offset + done;
            length = cached;
        }
    }

    /**
     * Runs an image's embeddings (bidirectional, as llama.cpp decodes Gemma 3 images) at its positions, right
     * after the cached tokens (or over a cached tail, which is replaced); keeps the last logits, every
     * position's in {@code all} when given.
     */
    void evaluateImage(Gemma3Inference inference, ImageSpan image, float[][] all) {
        int offset = image.start();
        if (image.end() > cache.contextLength()) {
            throw new ContextOverflowException(image.end(), cache.contextLength());
        }
        if (offset > cached) {
            throw new IllegalArgumentException("position " + offset + " is past the " + cached + " cached tokens");
        }
        if (image.count() > inference.maxBatch()) {
            throw new IllegalArgumentException("an image of " + image.count() + " embeddings needs passes of at least that many tokens (batch "
                    + inference.maxBatch() + ")");
        }
        inference.forwardEmbeddings(cache, image.embeddings(), 0, image.count(), offset, true, logits, all);
        Arrays.fill(tokens, offset, image.end(), image.marker());
        cached = image.end();
        length = cached;
    }

    /**
     * Evaluates a prompt holding images (each {@link ImageSpan#marker} at its positions) up to the end of its
     * last image, reusing what the cache holds (an image too, when the same image sits at the same place):
     * text, image, text, ... A following {@link #start} with the same prompt then only feeds the text after
     * the last image. Nothing is done for a prompt without images.
     */
    public void prefillImages(Gemma3Inference inference, int[] prompt, java.util.List<ImageSpan> images) {
        if (images.isEmpty()) {
            return;
        }
        for (ImageSpan image : images) {
            if (image.end() > prompt.length || prompt[image.start()] != image.marker()) {
                throw new IllegalArgumentException("the prompt does not hold the image's marker at " + image.start());
            }
        }
        if (images.getLast().end() >= cache.contextLength()) {
            throw new ContextOverflowException(images.getLast().end() + 1, cache.contextLength());
        }
        int done = reusablePrefix(prompt);
        for (ImageSpan image : images) {
            if (image.end() <= done) {
                continue;
            }
            done = Math.min(done, image.start());
            if (image.start() > done) {
                evaluate(inference, prompt, done, image.start() - done, null);
            }
            evaluateImage(inference, image, null);
            done = image.end();
        }
    }

    /** The logits after the last evaluated token (a copy). */
    public float[] logits() {
        return logits.clone();
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

    @Override
    public void close() {
        cache.close();
    }
}
