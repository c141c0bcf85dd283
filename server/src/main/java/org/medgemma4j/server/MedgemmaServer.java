package org.medgemma4j.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import java.util.Set;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.CrossOriginHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.medgemma4j.generate.LoadedModel;
import org.medgemma4j.retrieval.GroundedAnswerer;

/**
 * The HTTP server: Ollama's and OpenAI's APIs, /health and /metrics, on Jetty, in front of a
 * {@link Scheduler} that decodes all requests together. Closing it stops the server, not the model.
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
    private final Scheduler scheduler;

    private MedgemmaServer(Server jetty, ServerConnector connector, Scheduler scheduler) {
        this.jetty = jetty;
        this.connector = connector;
        this.scheduler = scheduler;
    }

    /** Starts serving {@code model}; returns once the port is open. */
    public static MedgemmaServer start(LoadedModel model, ServerConfig config) throws IOException {
        return start(model, config, null);
    }

    /** As {@link #start(LoadedModel, ServerConfig)}, with {@code POST /api/ask} over {@code asker} when given. */
    public static MedgemmaServer start(LoadedModel model, ServerConfig config, GroundedAnswerer asker) throws IOException {
        return start(model, config, asker, null, null);
    }

    /** As above, also serving {@code embedder} on /v1/embeddings, /api/embed and /api/embeddings under {@code embedderName}. */
    public static MedgemmaServer start(LoadedModel model, ServerConfig config, GroundedAnswerer asker,
                                       org.medgemma4j.embed.EmbeddingModel embedder, String embedderName) throws IOException {
        Metrics metrics = new Metrics();
        Scheduler scheduler = new Scheduler(model, config.parallel(), config.contextLength(), config.batchSize(),
                config.queue(), metrics);
        ObjectMapper json = new ObjectMapper();
        Engine engine = new Engine(model, new ModelCard(config.modelName(), model), scheduler, config.logText());
        Router router = new Router();
        new OllamaApi(engine, json, config.maxBodyBytes(), version()).register(router);
        new OpenAiApi(engine, json, config.maxBodyBytes()).register(router);
        if (asker != null) {
            new AskApi(engine, json, config.maxBodyBytes(), asker).register(router);
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
            scheduler.close();
            throw new IOException("cannot listen on " + config.host() + ":" + config.port() + ": " + e.getMessage(), e);
        }
        return new MedgemmaServer(jetty, connector, scheduler);
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
            // stopping is best effort; the scheduler is closed regardless
        }
        scheduler.close();
    }
}
