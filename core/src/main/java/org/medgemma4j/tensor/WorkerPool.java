package org.medgemma4j.tensor;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed set of worker threads that split index ranges between them, started once and reused for
 * every operation (no thread creation or allocation per matrix product). The calling thread does the
 * first share itself.
 */
public final class WorkerPool implements AutoCloseable {

    /** Work on the index range [from, to). */
    @FunctionalInterface
    public interface RangeTask {
        void run(int from, int to);
    }

    /** Work on the index range [from, to) by worker {@code worker} (0 .. threads-1), for per-thread scratch. */
    @FunctionalInterface
    public interface WorkerTask {
        void run(int worker, int from, int to);
    }

    private static final int SPINS = 20_000;

    private final Thread[] workers;
    private final int threads;
    private volatile WorkerTask task;
    private volatile int count;
    private volatile int generation;
    private volatile boolean closed;
    private final AtomicInteger pending = new AtomicInteger();
    private volatile Thread caller;
    private volatile Throwable failure;

    public WorkerPool(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            int index = i + 1;
            workers[i] = Thread.ofPlatform().daemon().name("medgemma-worker-" + index).start(() -> loop(index));
        }
    }

    public int threads() {
        return threads;
    }

    /** Runs {@code task} over [0, n) split into one contiguous share per thread; returns when all are done. */
    public void parallelFor(int n, RangeTask task) {
        parallelFor(n, (worker, from, to) -> task.run(from, to));
    }

    /** As {@link #parallelFor(int, RangeTask)}, telling each share which worker runs it. */
    public void parallelFor(int n, WorkerTask task) {
        if (threads == 1 || n < 2) {
            task.run(0, 0, n);
            return;
        }
        this.task = task;
        this.count = n;
        this.caller = Thread.currentThread();
        this.failure = null;
        pending.set(workers.length);
        generation++; // publishes task and count to the workers
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
        try {
            runShare(0, task, n);
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        // always wait for every worker, even after a failure here: a worker still on this task would
        // otherwise count itself out of the next one
        int spins = 0;
        while (pending.get() > 0) {
            if (++spins < SPINS) {
                Thread.onSpinWait();
            } else {
                LockSupport.park(this);
            }
        }
        this.task = null;
        Throwable f = failure;
        if (f != null) {
            if (f instanceof Error e) {
                throw e;
            }
            throw f instanceof RuntimeException r ? r : new IllegalStateException(f);
        }
    }

    private void runShare(int index, WorkerTask t, int n) {
        int from = (int) ((long) n * index / threads);
        int to = (int) ((long) n * (index + 1) / threads);
        if (from < to) {
            t.run(index, from, to);
        }
    }

    private void loop(int index) {
        int seen = 0;
        while (true) {
            int spins = 0;
            while (generation == seen && !closed) {
                if (++spins < SPINS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
            if (closed) {
                return;
            }
            seen = generation;
            try {
                runShare(index, task, count);
            } catch (Throwable t) {
                failure = t;
            }
            if (pending.decrementAndGet() == 0) {
                LockSupport.unpark(caller);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
    }
}
