package org.medgemma4j.server;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.medgemma4j.generate.LoadedModel;
import org.medgemma4j.gguf.GgufException;
import org.medgemma4j.gguf.GgufFile;
import org.medgemma4j.model.Gemma3Config;
import org.medgemma4j.model.KvCacheType;
import org.medgemma4j.store.fit.MemoryGuard;

/**
 * The loaded models, as Ollama keeps them: a request names a model, which is loaded on first use (requests
 * for a model being loaded wait for it) within a memory budget counted with {@code fit}'s arithmetic
 * (weights, compute buffers, every slot's KV cache). To make room the least recently used idle model is
 * unloaded; a model that cannot fit even alone is a 507 with the numbers. Each model has its own
 * {@link Scheduler}, and stays loaded for its keep-alive after its last request (Ollama's keep_alive: 5
 * minutes by default, 0 to unload at once, negative for ever).
 */
final class ModelPool implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ModelPool.class.getName());
    /** How long a request waits for busy models to free the memory it needs. */
    private static final Duration ROOM_WAIT = Duration.ofMinutes(10);

    /** How every model is run. */
    record Settings(int parallel, int contextLength, int batchSize, int queue, int threads, boolean logText,
                    UnaryOperator<String> logScrubber, long budget, String budgetSource, Duration defaultKeepAlive,
                    AnswerListener answers) {
    }

    /** Opens a model's weights; a model handed in by the caller is not closed with its scheduler. */
    interface Opener {
        LoadedModel open(Path file, int threads) throws IOException;

        default boolean owns() {
            return true;
        }
    }

    /** A model in the pool: loading, then loaded until it is unloaded. */
    final class Loaded {
        final String name;
        final Path path;
        final long reserved;
        final Duration keepAlive;
        private LoadedModel model;
        private Scheduler scheduler;
        private Engine engine;
        private ImageEncoder images;
        private RuntimeException failure;
        private int active;
        private long lastUsed;
        private Instant expiresAt;
        private boolean unloadWhenIdle;
        private long loadNanos;

        private Loaded(String name, Path path, long reserved, Duration keepAlive) {
            this.name = name;
            this.path = path;
            this.reserved = reserved;
            this.keepAlive = keepAlive;
        }

        boolean ready() {
            return engine != null;
        }

        Engine engine() {
            return engine;
        }

        synchronized Instant expiresAt() {
            return expiresAt;
        }

        /** Bytes this model holds now: its file (mapped) and its slots' KV caches. */
        long bytes() {
            return engine.card().size() + scheduler.cacheBytes();
        }
    }

    /** A request's hold on a loaded model: it is not unloaded while held. */
    final class Lease implements AutoCloseable {
        private final Loaded loaded;
        private final Duration keepAlive;
        private final long loadNanos;
        private boolean closed;

        private Lease(Loaded loaded, Duration keepAlive, long loadNanos) {
            this.loaded = loaded;
            this.keepAlive = keepAlive;
            this.loadNanos = loadNanos;
        }

        Engine engine() {
            return loaded.engine;
        }

        /** Nanoseconds this request spent waiting for the model to load (Ollama's load_duration). */
        long loadNanos() {
            return loadNanos;
        }

        @Override
        public void close() {
            release(this);
        }
    }

    private final ModelLibrary library;
    private final Settings settings;
    private final Metrics metrics;
    private final Opener opener;
    private final Map<Path, Loaded> models = new LinkedHashMap<>(); // guarded by this
    private final Thread reaper;
    private long tick;
    private boolean closed;

    ModelPool(ModelLibrary library, Settings settings, Metrics metrics, Opener opener) {
        this.library = library;
        this.settings = settings;
        this.metrics = metrics;
        this.opener = opener;
        this.reaper = Thread.ofPlatform().name("medgemma-keep-alive").daemon().start(this::reap);
    }

    ModelLibrary library() {
        return library;
    }

    Settings settings() {
        return settings;
    }

    /** The library's entry for a client's model name; 400 without one, 404 for an unknown one. */
    ModelLibrary.Entry entry(String name) throws IOException {
        if (name == null || name.isBlank()) {
            throw ApiException.badRequest("'model' is required");
        }
        return library.find(name).orElseThrow(() -> ApiException.modelNotFound(name));
    }

    /**
     * Holds {@code name}'s model for a request, loading it first when needed. {@code keepAlive} (null: the
     * model's default) is how long it stays loaded once the request ends.
     */
    Lease acquire(String name, Duration keepAlive) throws IOException {
        ModelLibrary.Entry e = entry(name);
        long t0 = System.nanoTime();
        Loaded l;
        boolean mustLoad = false;
        List<Loaded> evicted = new ArrayList<>();
        synchronized (this) {
            l = models.get(e.path());
            if (l == null) {
                long need = need(e.path());
                makeRoom(need, evicted);
                l = new Loaded(e.name(), e.path(), need, settings.defaultKeepAlive());
                models.put(e.path(), l);
                mustLoad = true;
            }
            l.active++; // held from now on: neither evicted nor expired while this request waits for it
            l.expiresAt = Instant.now().plus(keepAlive != null ? keepAlive : l.keepAlive);
        }
        evicted.forEach(this::close);
        if (mustLoad) {
            load(l);
        }
        synchronized (this) {
            while (!l.ready() && l.failure == null) {
                try {
                    wait(1000);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    l.active--;
                    throw new IOException("interrupted while the model loads", ie);
                }
            }
            if (l.failure != null) {
                l.active--;
                throw l.failure;
            }
        }
        return new Lease(l, keepAlive, mustLoad ? System.nanoTime() - t0 : 0);
    }

    /** Unloads {@code name}'s model once no request holds it (at once when idle). */
    void unload(String name) throws IOException {
        ModelLibrary.Entry e = entry(name);
        Loaded idle = null;
        synchronized (this) {
            Loaded l = models.get(e.path());
            if (l != null) {
                if (l.active == 0 && l.ready()) {
                    models.remove(e.path());
                    idle = l;
                } else {
                    l.unloadWhenIdle = true;
                }
            }
            notifyAll();
        }
        if (idle != null) {
            close(idle);
        }
    }

    /** Unloads the model at {@code path} if it is loaded (it is being deleted); 409 while requests use it. */
    void forget(Path path) {
        Loaded l;
        synchronized (this) {
            l = models.get(path);
            if (l == null) {
                return;
            }
            if (l.active > 0 || !l.ready()) {
                throw new ApiException(409, "the model is in use; try again when its requests have ended", null);
            }
            models.remove(path);
            notifyAll();
        }
        close(l);
    }

    /** The loaded models, most recently used first. */
    synchronized List<Loaded> loaded() {
        return models.values().stream().filter(Loaded::ready)
                .sorted(Comparator.comparingLong((Loaded l) -> l.lastUsed).reversed()).toList();
    }

    /** Loads a model under the pool's management and keeps it for ever unless told otherwise (serve -m). */
    void preload(String name) throws IOException {
        ModelLibrary.Entry e = entry(name);
        synchronized (this) {
            if (models.containsKey(e.path())) {
                return;
            }
            long need = need(e.path());
            List<Loaded> none = new ArrayList<>();
            makeRoom(need, none);
            Loaded l = new Loaded(e.name(), e.path(), need, KeepAlive.FOREVER);
            l.expiresAt = Instant.now().plus(KeepAlive.FOREVER);
            models.put(e.path(), l);
            load(l);
            if (l.failure != null) {
                throw l.failure;
            }
        }
    }

    private void release(Lease lease) {
        Loaded unload = null;
        synchronized (this) {
            if (lease.closed) {
                return;
            }
            lease.closed = true;
            Loaded l = lease.loaded;
            l.active--;
            l.lastUsed = ++tick;
            l.expiresAt = Instant.now().plus(lease.keepAlive != null ? lease.keepAlive : l.keepAlive);
            if (l.active == 0 && (l.unloadWhenIdle || !l.expiresAt.isAfter(Instant.now()))) {
                models.remove(l.path);
                unload = l;
            }
            notifyAll();
        }
        if (unload != null) {
            close(unload);
        }
    }

    /** Bytes a model needs with the server's slots, as {@code fit} counts them; 507 when it could never fit. */
    private long need(Path path) throws IOException {
        try (GgufFile file = GgufFile.open(path)) {
            int ctx = Math.min(settings.contextLength(), Gemma3Config.from(file).contextLength());
            int batch = Math.max(settings.batchSize(), settings.parallel());
            try {
                MemoryGuard.check(file, ctx, settings.parallel(), KvCacheType.F16, batch, settings.budget(), settings.budgetSource());
            } catch (IllegalArgumentException e) {
                throw new ApiException(507, "the model cannot be loaded: " + e.getMessage(), null);
            }
            return MemoryGuard.bytesNeeded(file, ctx, settings.parallel(), KvCacheType.F16, batch);
        } catch (GgufException e) {
            throw new ApiException(500, "the model file cannot be read: " + e.getMessage(), null);
        }
    }

    /** Unloads idle models, least recently used first, until {@code need} more bytes fit; waits for busy ones. */
    private void makeRoom(long need, List<Loaded> evicted) throws IOException {
        long deadline = System.nanoTime() + ROOM_WAIT.toNanos();
        while (used() + need > settings.budget()) {
            Optional<Loaded> lru = models.values().stream().filter(l -> l.active == 0 && l.ready())
                    .min(Comparator.comparingLong(l -> l.lastUsed));
            if (lru.isPresent()) {
                models.remove(lru.get().path);
                evicted.add(lru.get());
                continue;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0 || closed) {
                throw new ApiException(503, "the model needs " + mb(need) + " and the loaded models hold " + mb(used())
                        + " of the " + mb(settings.budget()) + " budget; they are busy, try again later", null);
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.SECONDS.toNanos(1)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for memory", e);
            }
        }
    }

    private long used() {
        return models.values().stream().mapToLong(l -> l.reserved).sum();
    }

    private void load(Loaded l) {
        long t0 = System.nanoTime();
        LoadedModel model = null;
        ImageEncoder images = null;
        try {
            model = opener.open(l.path, settings.threads());
            images = ImageEncoder.open(library, l.name, l.path, model, settings.threads());
            // an image goes through the text model in one pass: the batch holds at least one image
            Scheduler scheduler = new Scheduler(model, settings.parallel(), settings.contextLength(),
                    Math.max(settings.batchSize(), images.tokensPerImage()), settings.queue(), metrics, metrics.gauges(l.name));
            Engine engine = new Engine(model, new ModelCard(l.name, model), scheduler, settings.logText(),
                    settings.logScrubber(), images, settings.answers());
            synchronized (this) {
                l.model = model;
                l.scheduler = scheduler;
                l.engine = engine;
                l.images = images;
                l.loadNanos = System.nanoTime() - t0;
                l.lastUsed = ++tick;
                notifyAll();
            }
            LOG.log(System.Logger.Level.INFO, "loaded " + l.name + " in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        } catch (IOException | RuntimeException e) {
            if (images != null) {
                images.close();
            }
            if (model != null && opener.owns()) {
                model.close();
            }
            LOG.log(System.Logger.Level.ERROR, "cannot load " + l.name, e);
            synchronized (this) {
                l.failure = e instanceof ApiException a ? a
                        : new ApiException(500, "the model " + l.name + " could not be loaded: " + e.getMessage(), null);
                models.remove(l.path);
                notifyAll();
            }
        }
    }

    private void close(Loaded l) {
        l.scheduler.close();
        metrics.forget(l.name, l.scheduler.gauges());
        l.images.close();
        if (opener.owns()) {
            l.model.close();
        }
        LOG.log(System.Logger.Level.INFO, "unloaded " + l.name);
    }

    /** Unloads idle models whose keep-alive has passed. */
    private void reap() {
        while (true) {
            List<Loaded> expired = new ArrayList<>();
            synchronized (this) {
                if (closed) {
                    return;
                }
                Instant now = Instant.now();
                for (Loaded l : List.copyOf(models.values())) {
                    if (l.ready() && l.active == 0 && !l.expiresAt.isAfter(now)) {
                        models.remove(l.path);
                        expired.add(l);
                    }
                }
                if (!expired.isEmpty()) {
                    notifyAll();
                }
            }
            expired.forEach(this::close);
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static String mb(long bytes) {
        return bytes / (1 << 20) + " MB";
    }

    @Override
    public void close() {
        List<Loaded> all;
        synchronized (this) {
            closed = true;
            all = List.copyOf(models.values());
            models.clear();
            notifyAll();
        }
        reaper.interrupt();
        for (Loaded l : all) {
            if (l.ready()) {
                close(l);
            }
        }
    }
}
