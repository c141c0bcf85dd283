package org.medgemma4j.server;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import org.medgemma4j.generate.GenerationOptions;
import org.medgemma4j.generate.GenerationResult;
import org.medgemma4j.generate.ImageSpan;
import org.medgemma4j.generate.StopReason;
import org.medgemma4j.generate.TokenLogprob;
import org.medgemma4j.generate.TokenStream;

/**
 * One generation request handed to the {@link Scheduler}. The scheduler's thread produces events (text
 * pieces, then the end) and the HTTP thread consumes them, so a slow client never stalls the batch.
 */
final class Job implements TokenStream {

    /** What the HTTP side receives: a piece of text, or the end with its result or failure. */
    sealed interface Event {
    }

    /** A piece of the answer with the log-probabilities of the tokens that made it (empty unless asked for). */
    record Text(String text, List<TokenLogprob> logprobs) implements Event {
        Text(String text) {
            this(text, List.of());
        }
    }

    record Thinking(String text) implements Event {
    }

    record Done(GenerationResult result) implements Event {
    }

    record Failed(RuntimeException error) implements Event {
    }

    private final int[] prompt;
    private final List<ImageSpan> images;
    private final GenerationOptions options;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private volatile boolean cancelled;
    // written by the scheduler's thread only; read once the job is done
    private final List<TokenLogprob> pending = new ArrayList<>();
    private final List<TokenLogprob> answerLogprobs = new CopyOnWriteArrayList<>();

    Job(int[] prompt, List<ImageSpan> images, GenerationOptions options) {
        this.prompt = prompt;
        this.images = images;
        this.options = options;
    }

    int[] prompt() {
        return prompt;
    }

    /** The images in the prompt, at their positions. */
    List<ImageSpan> images() {
        return images;
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
    public void onLogprob(TokenLogprob logprob) {
        pending.add(logprob);
    }

    @Override
    public void onText(String text) {
        List<TokenLogprob> mine = List.copyOf(pending);
        pending.clear();
        answerLogprobs.addAll(mine);
        events.add(new Text(text, mine));
    }

    @Override
    public void onThinking(String text) {
        pending.clear(); // the thinking block's tokens are not the answer's
        events.add(new Thinking(text));
    }

    void complete(GenerationResult result) {
        // tokens whose text is still held back belong to the answer, unless they made the stop string
        if (result.reason() != StopReason.STOP_STRING) {
            answerLogprobs.addAll(pending);
        }
        pending.clear();
        events.add(new Done(result));
    }

    /** The answer tokens' log-probabilities (those of streamed pieces, then any left), once the job is done. */
    List<TokenLogprob> answerLogprobs() {
        return answerLogprobs;
    }

    void fail(RuntimeException error) {
        events.add(new Failed(error));
    }

    /** The next event, waiting for it. */
    Event next() throws InterruptedException {
        return events.take();
    }
}
