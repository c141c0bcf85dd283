package org.medgemma4j.evaluation;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs a task's items through an {@link Answerer}, {@code parallelism} at a time, recording each result as it
 * comes (so a run resumes after an interruption) and counting it. Items already in the results file are
 * counted, not run again. A request that fails (the server went away) is retried, then stops the run: a
 * failure is never scored as a wrong answer.
 */
public final class Evaluator {

    private static final int ATTEMPTS = 3;

    private final Answerer answerer;

    public Evaluator(Answerer answerer) {
        this.answerer = answerer;
    }

    /** The summary counts of {@code items} (all of them: resumed ones too). */
    public Tally run(Task task, List<Item> items, ResultLog log, Progress progress) throws IOException {
        Tally tally = new Tally();
        List<Item> todo = new ArrayList<>();
        for (Item item : items) {
            ItemResult done = log.recorded(item.id());
            if (done != null) {
                tally.add(done);
            } else {
                todo.add(item);
            }
        }
        progress.start(task.name(), items.size(), tally.n(), tally);
        int parallel = Math.max(1, Math.min(answerer.parallelism(), todo.size()));
        try (ExecutorService pool = Executors.newFixedThreadPool(parallel, Thread.ofPlatform().daemon().name("eval-", 0).factory())) {
            List<Future<?>> futures = new ArrayList<>();
            for (Item item : todo) {
                futures.add(pool.submit(() -> {
                    ItemResult r = answerWithRetries(item);
                    log.write(r);
                    tally.add(r);
                    progress.advance(tally);
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    futures.forEach(x -> x.cancel(true));
                    Throwable c = e.getCause();
                    if (c instanceof IOException io) {
                        throw new IOException(io.getMessage() + " (results so far are kept: run again to resume)", io);
                    }
                    if (c instanceof RuntimeException re) {
                        throw re;
                    }
                    throw new IOException(c);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    futures.forEach(x -> x.cancel(true));
                    throw new IOException("interrupted", e);
                }
            }
        } finally {
            progress.close();
        }
        return tally;
    }

    private ItemResult answerWithRetries(Item item) throws IOException, InterruptedException {
        IOException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                return answerer.answer(item);
            } catch (IOException e) {
                last = e;
                Thread.sleep(250L * attempt);
            }
        }
        throw new IOException("item " + item.id() + ": " + last.getMessage(), last);
    }
}
