package org.medgemma4j.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.medgemma4j.generate.GenerationOptions;
import org.medgemma4j.generate.GenerationResult;
import org.medgemma4j.generate.ImageSpan;
import org.medgemma4j.generate.LoadedModel;
import org.medgemma4j.generate.Sequence;
import org.medgemma4j.model.Gemma3Inference;
import org.medgemma4j.model.KvCache;
import org.medgemma4j.model.KvCacheType;

/**
 * Continuous batching: N slots, each a sequence with its own KV cache, decoded together by one thread.
 * Every step gathers the next token of each generating slot (and, with the room left, a chunk of a new
 * prompt) into one forward pass, so the weights are read once for all of them; then each slot samples.
 * Requests beyond the slots wait in a bounded queue and take a free slot as soon as one finishes, choosing
 * the slot whose cache shares the longest prefix with their prompt (a conversation's earlier turns).
 */
final class Scheduler implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Scheduler.class.getName());

    private final Gemma3Inference inference;
    private final List<Slot> slots = new ArrayList<>();
    private final Queue<Job> waiting = new ConcurrentLinkedQueue<>();
    private final int queueCapacity;
    /** Requests taken and not yet ended: at most one per slot plus the queue's capacity. */
    private final AtomicInteger outstanding = new AtomicInteger();
    private final Metrics metrics;
    private final Metrics.ModelGauges gauges;
    private final Thread thread;
    private volatile boolean running = true;
    private long tick;
    // one batch's arguments, reused
    private final int[] ids;
    private final int[] positions;
    private final KvCache[] caches;
    private final float[][] rows;
    private final Slot[] fed;
    private long cacheBytes;

    Scheduler(LoadedModel model, int parallel, int contextLength, int batchSize, int queueCapacity, Metrics metrics,
              Metrics.ModelGauges gauges) {
        int batch = Math.max(batchSize, parallel);
        this.inference = new Gemma3Inference(model.model(), KvCacheType.F16, model.pool(), batch);
        int ctx = Math.min(contextLength, model.model().config().contextLength());
        for (int i = 0; i < parallel; i++) {
            KvCache cache = inference.newCache(ctx);
            cacheBytes += cache.byteSize();
            slots.add(new Slot(new Sequence(model.model(), model.tokenizer(), cache)));
        }
        this.queueCapacity = queueCapacity;
        this.metrics = metrics;
        this.gauges = gauges;
        this.ids = new int[batch];
        this.positions = new int[batch];
        this.caches = new KvCache[batch];
        this.rows = new float[batch][];
        this.fed = new Slot[batch];
        this.thread = Thread.ofPlatform().name("medgemma-scheduler").daemon().start(this::run);
    }

    /** The gauges this scheduler writes for /metrics. */
    Metrics.ModelGauges gauges() {
        return gauges;
    }

    /** The context length of every slot. */
    int contextLength() {
        return slots.getFirst().sequence.contextLength();
    }

    /** Bytes held by the slots' KV caches. */
    long cacheBytes() {
        return cacheBytes;
    }

    /** Queues a request; throws {@link QueueFullException} when the queue is full. */
    Job submit(int[] prompt, GenerationOptions options) {
        return submit(prompt, List.of(), options);
    }

    /** As {@link #submit(int[], GenerationOptions)}, for a prompt holding images at their spans. */
    Job submit(int[] prompt, List<ImageSpan> images, GenerationOptions options) {
        if (outstanding.incrementAndGet() > slots.size() + queueCapacity) {
            outstanding.decrementAndGet();
            throw new QueueFullException(queueCapacity);
        }
        Job job = new Job(prompt, images, options);
        waiting.add(job);
        synchronized (this) {
            notifyAll();
        }
        return job;
    }

    private void run() {
        while (running) {
            try {
                admit();
                int active = activeCount();
                gauges.load(active, queueDepth());
                if (active == 0) {
                    gauges.decodeRate(0);
                    synchronized (this) {
                        if (waiting.isEmpty() && running) {
                            wait(1000);
                        }
                    }
                    continue;
                }
                step();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException | Error e) {
                // whatever went wrong, the requests in the batch end with an error and the server goes on:
                // a scheduler thread that died would leave every client waiting forever
                LOG.log(System.Logger.Level.ERROR, "a forward pass failed; ending the requests in it", e);
                failActive(e instanceof RuntimeException r ? r : new IllegalStateException("internal error", e));
            }
        }
    }

    /** Moves waiting requests into free slots, each into the slot that can reuse most of its prompt. */
    private void admit() {
        Job job;
        while ((job = waiting.peek()) != null) {
            Slot slot = bestFreeSlot(job.prompt());
            if (slot == null) {
                return;
            }
            waiting.remove();
            if (job.cancelled()) {
                outstanding.decrementAndGet();
                continue;
            }
            try {
                // the text before each image and the images are evaluated here, alone; the rest is batched
                slot.sequence.prefillImages(inference, job.prompt(), job.images());
                slot.sequence.start(job.prompt(), job.options(), job);
                slot.job = job;
                slot.lastUsed = ++tick;
            } catch (RuntimeException e) {
                outstanding.decrementAndGet();
                job.fail(e);
            }
        }
    }

    private Slot bestFreeSlot(int[] prompt) {
        Slot best = null;
        int bestPrefix = -1;
        for (Slot s : slots) {
            if (!s.free()) {
                continue;
            }
            int prefix = s.sequence.reusablePrefix(prompt);
            if (prefix > bestPrefix || prefix == bestPrefix && s.lastUsed < best.lastUsed) {
                best = s;
                bestPrefix = prefix;
            }
        }
        return best;
    }

    private int activeCount() {
        int n = 0;
        for (Slot s : slots) {
            if (!s.free()) {
                n++;
            }
        }
        return n;
    }

    /**
     * One forward pass: every decoding slot's next-token step first, then prompt chunks with the room left (the
     * inference takes the steps first: they are computed as each sequence's lone step would be).
     */
    private void step() {
        // Cancellations are read once, before feeding: a client may hang up at any moment, and a slot
        // whose tokens are in the batch must stay its job's until the pass is over.
        for (Slot s : slots) {
            if (!s.free() && s.job.cancelled()) {
                finishIfDone(s, true);
            }
        }
        int count = 0;
        int slotsFed = 0;
        int decoding = 0;
        for (int pass = 0; pass < 2; pass++) {
            for (Slot s : slots) {
                if (s.free() || count == ids.length) {
                    continue;
                }
                boolean decodeStep = s.sequence.stepping();
                if (decodeStep == (pass == 0)) {
                    int n = s.sequence.feed(ids, positions, caches, rows, count, ids.length - count);
                    count += n;
                    fed[slotsFed++] = s;
                    if (decodeStep) {
                        decoding += n; // the steps' count, not the slots': a slot that has ended feeds none
                    }
                }
            }
        }
        if (count == 0) {
            return;
        }
        long t0 = System.nanoTime();
        inference.forward(ids, positions, caches, rows, decoding, count);
        long nanos = System.nanoTime() - t0;
        for (int i = 0; i < slotsFed; i++) {
            Slot s = fed[i];
            fed[i] = null;
            s.sequence.evaluated();
            finishIfDone(s, false);
        }
        gauges.decodeRate(decoding * 1e9 / nanos);
    }

    private void finishIfDone(Slot s, boolean cancel) {
        if (cancel) {
            s.sequence.cancel();
        }
        if (s.sequence.finished()) {
            Job job = s.job;
            s.job = null;
            outstanding.decrementAndGet();
            GenerationResult result = s.sequence.result();
            metrics.generated(result);
            job.complete(result);
        }
    }

    private void failActive(RuntimeException e) {
        for (int i = 0; i < fed.length; i++) {
            fed[i] = null;
        }
        for (Slot s : slots) {
            if (!s.free()) {
                s.sequence.cancel();
                s.sequence.reset();
                Job job = s.job;
                s.job = null;
                outstanding.decrementAndGet();
                job.fail(e);
            }
        }
    }

    private int queueDepth() {
        return waiting.size();
    }

    @Override
    public void close() {
        running = false;
        synchronized (this) {
            notifyAll();
        }
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Job job : waiting) {
            job.fail(new IllegalStateException("the server is shutting down"));
        }
        for (Slot s : slots) {
            if (!s.free()) {
                s.job.fail(new IllegalStateException("the server is shutting down"));
            }
            s.sequence.close();
        }
    }
}
