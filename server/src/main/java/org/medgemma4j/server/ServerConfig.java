package org.medgemma4j.server;

import java.util.function.UnaryOperator;

/**
 * How the server runs.
 *
 * @param modelName    the name clients use for the model
 * @param parallel     slots decoding together
 * @param contextLength tokens per slot (prompt and answer)
 * @param batchSize    most tokens in one forward pass (decode tokens plus prompt chunks)
 * @param queue        requests that may wait for a slot beyond the busy ones
 * @param apiKey       when set, every route but /health needs {@code Authorization: Bearer <key>}
 * @param maxBodyBytes largest request body
 * @param logText      log prompts and answers (off by default: medical text may identify patients)
 * @param origins      browser origins allowed to call the server (CORS): localhost pages by default, see {@link Origins}
 * @param logScrubber  applied to every prompt and answer before it is logged (with logText): serve --deid passes a
 *                     de-identifier, so no patient's details reach the log even when text logging is on
 * @param imageUrlLimit largest image fetched from an http(s) URL in an OpenAI image_url part; 0 (the default)
 *                     takes data URIs only (serve --allow-image-urls)
 * @param answers      hears of every completed answer (serve --audit), or null
 */
public record ServerConfig(String modelName, String host, int port, int parallel, int contextLength, int batchSize,
                           int queue, String apiKey, int maxBodyBytes, boolean logText, Origins origins,
                           UnaryOperator<String> logScrubber, long imageUrlLimit, AnswerListener answers) {

    /** As the canonical constructor, with no answer listener. */
    public ServerConfig(String modelName, String host, int port, int parallel, int contextLength, int batchSize,
                        int queue, String apiKey, int maxBodyBytes, boolean logText, Origins origins,
                        UnaryOperator<String> logScrubber, long imageUrlLimit) {
        this(modelName, host, port, parallel, contextLength, batchSize, queue, apiKey, maxBodyBytes, logText, origins,
                logScrubber, imageUrlLimit, null);
    }

    /** A configuration whose logged text (with logText) is not scrubbed and that takes images as data URIs only. */
    public ServerConfig(String modelName, String host, int port, int parallel, int contextLength, int batchSize,
                        int queue, String apiKey, int maxBodyBytes, boolean logText, Origins origins) {
        this(modelName, host, port, parallel, contextLength, batchSize, queue, apiKey, maxBodyBytes, logText, origins,
                UnaryOperator.identity(), 0);
    }

    /** As above, with logged text scrubbed by {@code logScrubber}. */
    public ServerConfig(String modelName, String host, int port, int parallel, int contextLength, int batchSize,
                        int queue, String apiKey, int maxBodyBytes, boolean logText, Origins origins,
                        UnaryOperator<String> logScrubber) {
        this(modelName, host, port, parallel, contextLength, batchSize, queue, apiKey, maxBodyBytes, logText, origins,
                logScrubber, 0);
    }

    /** As above, taking http(s) image URLs up to {@code imageUrlLimit} bytes. */
    public ServerConfig(String modelName, String host, int port, int parallel, int contextLength, int batchSize,
                        int queue, String apiKey, int maxBodyBytes, boolean logText, Origins origins, long imageUrlLimit) {
        this(modelName, host, port, parallel, contextLength, batchSize, queue, apiKey, maxBodyBytes, logText, origins,
                UnaryOperator.identity(), imageUrlLimit);
    }

    /** A configuration with the default origins. */
    public ServerConfig(String modelName, String host, int port, int parallel, int contextLength, int batchSize,
                        int queue, String apiKey, int maxBodyBytes, boolean logText) {
        this(modelName, host, port, parallel, contextLength, batchSize, queue, apiKey, maxBodyBytes, logText,
                Origins.withDefaults(java.util.List.of()));
    }

    public ServerConfig {
        if (parallel < 1) {
            throw new IllegalArgumentException("--parallel must be at least 1, got " + parallel);
        }
        if (contextLength < 16) {
            throw new IllegalArgumentException("--ctx must be at least 16, got " + contextLength);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("--batch must be at least 1, got " + batchSize);
        }
        if (queue < 0) {
            throw new IllegalArgumentException("--queue must be >= 0, got " + queue);
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be in 0..65535, got " + port);
        }
        if (maxBodyBytes < 1024) {
            throw new IllegalArgumentException("the body limit must be at least 1024 bytes, got " + maxBodyBytes);
        }
        if (logScrubber == null) {
            throw new IllegalArgumentException("logScrubber must be given (UnaryOperator.identity() for none)");
        }
        if (origins == null) {
            throw new IllegalArgumentException("origins must be given (Origins.withDefaults)");
        }
        if (imageUrlLimit < 0) {
            throw new IllegalArgumentException("the image URL size limit must be >= 0, got " + imageUrlLimit);
        }
        if (apiKey != null && apiKey.isBlank()) {
            throw new IllegalArgumentException("--api-key must not be blank");
        }
    }
}
