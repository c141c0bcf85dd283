package org.medgemma4j.generate;

import java.nio.file.Path;
import org.medgemma4j.gguf.GgufException;
import org.medgemma4j.model.Gemma3Model;
import org.medgemma4j.model.KvCacheType;
import org.medgemma4j.tensor.WorkerPool;
import org.medgemma4j.tokenizer.Tokenizer;

/** A model ready to generate: weights, tokenizer, chat template and the worker threads, opened together. */
public final class LoadedModel implements AutoCloseable {

    private final Gemma3Model model;
    private final Tokenizer tokenizer;
    private final ChatTemplate template;
    private final WorkerPool pool;
    private final long loadNanos;

    private LoadedModel(Gemma3Model model, Tokenizer tokenizer, WorkerPool pool, long loadNanos) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.template = new ChatTemplate(tokenizer);
        this.pool = pool;
        this.loadNanos = loadNanos;
    }

    /** Opens a GGUF file with {@code threads} compute threads. */
    public static LoadedModel open(Path file, int threads) throws GgufException {
        long t0 = System.nanoTime();
        Gemma3Model model = Gemma3Model.load(file);
        try {
            Tokenizer tokenizer = Tokenizer.of(model.file());
            return new LoadedModel(model, tokenizer, new WorkerPool(threads), System.nanoTime() - t0);
        } catch (GgufException | RuntimeException e) {
            model.close();
            throw e;
        }
    }

    public Gemma3Model model() {
        return model;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public ChatTemplate template() {
        return template;
    }

    public WorkerPool pool() {
        return pool;
    }

    /** How long opening took. */
    public long loadNanos() {
        return loadNanos;
    }

    /** A new sequence with its own KV cache. */
    public Session newSession(int contextLength, KvCacheType kvType, int maxBatch) {
        return new Session(model, tokenizer, pool, contextLength, kvType, maxBatch);
    }

    @Override
    public void close() {
        pool.close();
        model.close();
    }
}
