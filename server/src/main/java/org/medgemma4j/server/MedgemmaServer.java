package org.medgemma4j.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.CrossOriginHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.medgemma4j.embed.EmbeddingModel;
import org.medgemma4j.generate.LoadedModel;
import org.medgemma4j.retrieval.GroundedAnswerer;
import org.medgemma4j.store.HfClient;

/**
 * The HTTP server: Ollama's and OpenAI's APIs, /health and /metrics, on Jetty, in front of a
 * {@link ModelPool} of models, each with a {@link Scheduler} that decodes its requests together. Closing it stops
 * the server and unloads the models it loaded (not one handed to it).
 */
public final class MedgemmaServer implements AutoCloseable {

    /** Request headers a browser client may send (Ollama's list: the OpenAI SDKs send the x-stainless ones). */
    private static final Set<String> CORS_HEADERS = Set.of("Authorization", "Content-Type", "User-Agent", "Accept",
            "X-Requested-With", "OpenAI-Beta", "OpenAI-Organization", "OpenAI-Project", "x-stainless-arch",
            "x-stainless-async", "x-stainless-custom-poll-interval", "x-stainless-helper-method", "x-stainless-lang",
            "x-stainless-os", "x-stainless-package-version", "x-stainless-poll-helper", "x-stainless-retry-count",
            "x-stainless-runtime", "x-stainless-runtime-version", "x-stainless-timeout");

    private final Server jetty;
    private final ServerConnector connector;
    private final ModelPool pool;

    private MedgemmaServer(Server jetty, ServerConnector connector, ModelPool pool) {
        this.jetty = jetty;
        this.connector = connector;
        this.pool = pool;
    }

    /**
     * How models are loaded on demand.
     *
     * @param threads         compute threads of each loaded model
     * @param memoryBudget    bytes the loaded models may hold together, as {@code fit} counts them
     * @param budgetSource    where the budget came from (for messages), null for the available memory
     * @param keepAlive       how long a model stays loaded after its last request (Ollama's 5 minutes)
     * @param preload         models loaded at start and kept until a request says otherwise (serve -m)
     * @param hf              where /api/pull downloads from
     */
    public record PoolOptions(int threads, long memoryBudget, String budgetSource, Duration keepAlive,
                              List<String> preload, HfClient hf) {
    }

    /** Starts serving {@code model}; returns once the port is open. */
    public static MedgemmaServer start(LoadedModel model, ServerConfig config) throws IOException {
        return start(model, config, null);
    }

    /**
     * As {@link #start(LoadedModel, ServerConfig)}, with {@code POST /api/ask} over {@code asker} when given. The
     * model is the caller's: an unload request frees its KV caches, not its weights.
     */
    public static MedgemmaServer start(LoadedModel model, ServerConfig config, GroundedAnswerer asker) throws IOException {
        return start(model, config, asker, null, null);
    }

    /** As above, also serving {@code embedder} on /v1/embeddings, /api/embed and /api/embeddings under {@code embedderName}. */
    public static MedgemmaServer start(LoadedModel model, ServerConfig config, GroundedAnswerer asker,
                                       EmbeddingModel embedder, String embedderName) throws IOException {
        ModelLibrary library = ModelLibrary.of(Map.of(config.modelName(), model.model().file().path()));
        PoolOptions options = new PoolOptions(model.pool().threads(), Long.MAX_VALUE, null, KeepAlive.FOREVER,
                List.of(config.modelName()), HfClient.fromEnvironment());
        return start(library, options, config, asker, embedder, embedderName, new ModelPool.Opener() {
            @Override
            public LoadedModel open(Path file, int threads) {
                return model;
            }

            @Override
            public boolean owns() {
                return false;
            }
        });
    }

    /** Serves the models of {@code library} by name, loading them on demand within the options' memory budget. */
    public static MedgemmaServer start(ModelLibrary library, PoolOptions options, ServerConfig config, GroundedAnswerer asker)
            throws IOException {
        return start(library, options, config, asker, null, null);
    }

    /** As above, also serving {@code embedder} (when not null) on the embedding endpoints under {@code embedderName}. */
    public static MedgemmaServer start(ModelLibrary library, PoolOptions options, ServerConfig config, GroundedAnswerer asker,
                                       EmbeddingModel embedder, String embedderName) throws IOException {
        return start(library, options, config, asker, embedder, embedderName, (file, threads) -> LoadedModel.open(file, threads));
    }

    private static MedgemmaServer start(ModelLibrary library, PoolOptions options, ServerConfig config, GroundedAnswerer asker,
                                        EmbeddingModel embedder, String embedderName, ModelPool.Opener opener) throws IOException {
        Metrics metrics = new Metrics();
        ModelPool pool = new ModelPool(library, new ModelPool.Settings(config.parallel(), config.contextLength(),
                config.batchSize(), config.queue(), options.threads(), config.logText(), config.logScrubber(), options.memoryBudget(),
                options.budgetSource(), options.keepAlive(), config.answers()), metrics, opener);
        try {
            for (String name : options.preload()) {
                pool.preload(name);
            }
        } catch (ApiException e) {
            pool.close();
            throw new IllegalArgumentException(e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            pool.close();
            throw e;
        }
        ObjectMapper json = new ObjectMapper();
        Router router = new Router();
        ImageSources images = new ImageSources(config.imageUrlLimit());
        new OllamaApi(pool, new ModelAdmin(pool, options.hf(), json), json, config.maxBodyBytes(), version(), images).register(router);
        new OpenAiApi(pool, json, config.maxBodyBytes(), images).register(router);
        if (asker != null) {
            new AskApi(pool, json, config.maxBodyBytes(), asker).register(router);
        }
        if (embedder != null) {
            new EmbeddingsApi(embedder, embedderName, json, config.maxBodyBytes()).register(router);
        }
        router.add("GET", "/health", ex -> ex.send(200, "application/json", "{\"status\":\"ok\"}"))
                .add("GET", "/metrics", ex -> ex.send(200, "text/plain; version=0.0.4; charset=utf-8", metrics.render()));

        QueuedThreadPool threads = new QueuedThreadPool(Math.max(64, 4 * (config.parallel() + config.queue())));
        threads.setName("medgemma-http");
        Server jetty = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        ServerConnector connector = new ServerConnector(jetty, new HttpConnectionFactory(http));
        connector.setHost(config.host());
        connector.setPort(config.port());
        // a non-streamed answer can take minutes without any I/O on the connection
        connector.setIdleTimeout(600_000);
        jetty.addConnector(connector);
        // CORS: other origins get 403 at the gate; preflights from allowed ones are answered by Jetty's handler.
        CrossOriginHandler cors = new CrossOriginHandler();
        cors.setAllowedOriginPatterns(config.origins().regexes());
        cors.setAllowedMethods(Set.of("GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS"));
        cors.setAllowedHeaders(CORS_HEADERS);
        cors.setAllowCredentials(false);
        cors.setHandler(new ApiHandler(router, json, config.apiKey(), metrics));
        jetty.setHandler(new OriginGate(config.origins(), json, cors));
        jetty.setStopTimeout(2_000);
        try {
            jetty.start();
        } catch (Exception e) {
            pool.close();
            throw new IOException("cannot listen on " + config.host() + ":" + config.port() + ": " + e.getMessage(), e);
        }
        return new MedgemmaServer(jetty, connector, pool);
    }

    /** The port listened on (useful with port 0). */
    public int port() {
        return connector.getLocalPort();
    }

    /** Blocks until the server stops. */
    public void join() throws InterruptedException {
        jetty.join();
    }

    static String version() {
        Properties p = new Properties();
        try (InputStream in = MedgemmaServer.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p.getProperty("version", "dev");
    }

    @Override
    public void close() {
        try {
            jetty.stop();
        } catch (Exception e) {
            // stopping is best effort; the models are unloaded regardless
        }
        pool.close();
    }
}
