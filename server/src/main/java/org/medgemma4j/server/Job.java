package org.medgemma4j.server;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.medgemma4j.generate.GenerationOptions;
import org.medgemma4j.generate.GenerationResult;
import org.medgemma4j.generate.TokenStream;

/**
 * One generation request handed to the {@link Scheduler}. The scheduler's thread produces events (text
 * pieces, then the end) and the HTTP thread consumes them, so a slow client never stalls the batch.
 */
final class Job implements TokenStream {

    /** What the HTTP side receives: a piece of text, or the end with its result or failure. */
    sealed interface Event {
    }

    record Text(String text) implements Event {
    }

    record Thinking(String text) implements Event {
    }

    record Done(GenerationResult result) implements Event {
    }

    record Failed(RuntimeException error) implements Event {
    }

    private final int[] prompt;
    private final GenerationOptions options;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private volatile boolean cancelled;

    Job(int[] prompt, GenerationOptions options) {
        this.prompt = prompt;
        this.options = options;
    }

    int[] prompt() {
        return prompt;
    }

    GenerationOptions options() {
        return options;
    }

    /** Asks the scheduler to stop this request (the client went away). */
    void cancel() {
        cancelled = true;
    }

    @Override
    public boolean cancelled() {
        return cancelled;
    }

    @Override
    public void onText(String text) {
        events.add(new Text(text));
    }

    @Override
    public void onThinking(String text) {
        events.add(new Thinking(text));
    }

    void complete(GenerationResult result) {
        events.add(new Done(result));
    }

    void fail(RuntimeException error) {
        events.add(new Failed(error));
    }

    /** The next event, waiting for it. */
    Event next() throws InterruptedException {
        return events.take();
    }
}
