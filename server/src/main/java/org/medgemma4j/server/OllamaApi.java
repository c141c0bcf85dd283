package org.medgemma4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.medgemma4j.generate.ChatTemplate;
import org.medgemma4j.gguf.GgufFile;
import org.medgemma4j.model.Gemma3Config;
import org.medgemma4j.tokenizer.Tokenizer;
import org.medgemma4j.vision.RgbImage;
import org.medgemma4j.generate.ChatMessage;
import org.medgemma4j.generate.GenerationOptions;
import org.medgemma4j.generate.GenerationResult;
import org.medgemma4j.generate.Role;
import org.medgemma4j.generate.StopReason;

/**
 * Ollama's API: /api/chat, /api/generate (NDJSON streams), /api/tags, /api/show, /api/ps, /api/version, and the
 * model management of /api/pull, /api/delete, /api/copy ({@link ModelAdmin}). Requests name their model; the
 * {@link ModelPool} loads it when needed.
 */
final class OllamaApi {

    private final ModelPool pool;
    private final ModelAdmin admin;
    private final ObjectMapper json;
    private final int maxBody;
    private final String version;
    private final ImageSources images;

    OllamaApi(ModelPool pool, ModelAdmin admin, ObjectMapper json, int maxBody, String version, ImageSources images) {
        this.images = images;
        this.pool = pool;
        this.admin = admin;
        this.json = json;
        this.maxBody = maxBody;
        this.version = version;
    }

    void register(Router router) {
        router.add("GET", "/", ex -> ex.send(200, "text/plain", "medgemma4j is running"))
                .add("POST", "/api/chat", this::chat)
                .add("POST", "/api/generate", this::generate)
                .add("GET", "/api/tags", this::tags)
                .add("POST", "/api/show", this::show)
                .add("GET", "/api/ps", this::ps)
                .add("POST", "/api/pull", ex -> admin.pull(ex, JsonBody.parse(json, ex.body(maxBody))))
                .add("DELETE", "/api/delete", ex -> admin.delete(ex, JsonBody.parse(json, ex.body(maxBody))))
                .add("POST", "/api/copy", ex -> admin.copy(ex, JsonBody.parse(json, ex.body(maxBody))))
                .add("GET", "/api/version", ex -> sendJson(ex, json.createObjectNode().put("version", version)));
    }

    /** A request's generation settings: the options object plus num_ctx, which bounds prompt and answer. */
    private record Settings(GenerationOptions options, int contextLimit) {
    }

    private Settings settings(JsonBody request, Engine engine) {
        JsonBody o = request.object("options");
        Long numPredict = o.integer("num_predict");
        long max = numPredict == null ? -1 : numPredict;
        if (max < -2) {
            throw ApiException.badRequest("'num_predict' must be -1 (no limit), -2 (fill the context) or >= 0, got " + max);
        }
        if (max > engine.contextLength()) {
            throw ApiException.badRequest("'num_predict' " + max + " exceeds the context of " + engine.contextLength() + " tokens");
        }
        Long numCtx = o.integer("num_ctx");
        if (numCtx != null && numCtx < 1) {
            throw ApiException.badRequest("'num_ctx' must be positive, got " + numCtx);
        }
        List<String> stop = o.strings("stop");
        if (stop.stream().anyMatch(String::isEmpty)) {
            throw ApiException.badRequest("'stop' strings must not be empty");
        }
        GenerationOptions options = new GenerationOptions((int) Math.max(max, -1), Sampling.from(o), stop, false)
                .withGrammar(StructuredOutput.ollama(request));
        int limit = numCtx == null ? engine.contextLength() : (int) Math.min(numCtx, engine.contextLength());
        return new Settings(options, limit);
    }

    private void chat(Exchange ex) throws IOException {
        JsonBody request = JsonBody.parse(json, ex.body(maxBody));
        String model = request.string("model", null);
        if (request.has("tools") && !request.array("tools").isEmpty()) {
            throw ApiException.badRequest("tool calling is not supported");
        }
        List<List<RgbImage>> imagesPerMessage = new ArrayList<>();
        List<ChatMessage> messages = messages(request, imagesPerMessage);
        Duration keepAlive = KeepAlive.parse(request.raw("keep_alive"), null);
        if (messages.isEmpty()) {
            // Ollama's idioms: no messages loads the model, and with keep_alive 0 unloads it
            String reason = loadOrUnload(model, keepAlive);
            ObjectNode n = chatMessage(model, "", null).put("done_reason", reason).put("done", true);
            sendJson(ex, n);
            return;
        }
        try (ModelPool.Lease lease = pool.acquire(model, keepAlive)) {
            chat(ex, request, model, messages, imagesPerMessage, lease);
        }
    }

    /** Ollama's answer to a request without input: the model is loaded, or with keep_alive 0 unloaded. */
    private String loadOrUnload(String model, Duration keepAlive) throws IOException {
        if (keepAlive != null && keepAlive.isZero()) {
            pool.unload(model);
            return "unload";
        }
        pool.acquire(model, keepAlive).close();
        return "load";
    }

    private void chat(Exchange ex, JsonBody request, String model, List<ChatMessage> messages, List<List<RgbImage>> imagesPerMessage,
                      ModelPool.Lease lease) throws IOException {
        Engine engine = lease.engine();
        boolean stream = request.bool("stream", true);
        Settings s = settings(request, engine);
        Job job = engine.submit(engine.chatPrompt(messages, imagesPerMessage), s.options(), s.contextLimit());
        if (stream) {
            ex.startStream("application/x-ndjson");
            GenerationResult r = engine.run(job, new Engine.Sink() {
                @Override
                public void text(String piece) throws IOException {
                    ex.chunk(line(chatMessage(model, piece, null)));
                }

                @Override
                public void thinking(String piece) throws IOException {
                    ex.chunk(line(chatMessage(model, "", piece)));
                }
            });
            ex.chunk(line(finish(chatMessage(model, "", null), r, ex, lease)));
        } else {
            GenerationResult r = engine.runWhole(job, ex);
            sendJson(ex, finish(chatMessage(model, r.text(), r.thinking().isEmpty() ? null : r.thinking()), r, ex, lease));
        }
    }

    /** The messages, each one's images (base64) into {@code imagesPerMessage}. */
    private List<ChatMessage> messages(JsonBody request, List<List<RgbImage>> imagesPerMessage) {
        List<ChatMessage> out = new ArrayList<>();
        for (JsonNode m : request.array("messages")) {
            if (!(m instanceof ObjectNode o)) {
                throw ApiException.badRequest("each message must be an object with 'role' and 'content'");
            }
            JsonBody msg = JsonBody.of(o);
            imagesPerMessage.add(images(msg, "message " + (out.size() + 1) + " image "));
            try {
                out.add(new ChatMessage(Role.parse(msg.requiredString("role")), msg.string("content", "")));
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest(e.getMessage());
            }
        }
        return out;
    }

    /** A request's or message's {@code images}: base64 strings, decoded (a 400 names the one that is not an image). */
    private List<RgbImage> images(JsonBody body, String what) {
        if (!body.has("images")) {
            return List.of();
        }
        List<RgbImage> out = new ArrayList<>();
        for (JsonNode image : body.array("images")) {
            if (!image.isTextual()) {
                throw ApiException.badRequest("'images' must be a list of base64 strings");
            }
            out.add(images.base64(image.textValue(), what + (out.size() + 1)));
        }
        return out;
    }

    private void generate(Exchange ex) throws IOException {
        JsonBody request = JsonBody.parse(json, ex.body(maxBody));
        String model = request.string("model", null);
        List<RgbImage> given = images(request, "image ");
        if (request.has("context")) {
            throw ApiException.badRequest("'context' is not supported; send the conversation to /api/chat");
        }
        if (!request.string("suffix", "").isEmpty()) {
            throw ApiException.badRequest("'suffix' (fill-in-the-middle) is not supported");
        }
        String prompt = request.string("prompt", "");
        String system = request.string("system", null);
        boolean raw = request.bool("raw", false);
        boolean stream = request.bool("stream", true);
        Duration keepAlive = KeepAlive.parse(request.raw("keep_alive"), null);
        if (prompt.isEmpty()) {
            // Ollama's idioms: an empty prompt loads the model, and with keep_alive 0 unloads it
            String reason = loadOrUnload(model, keepAlive);
            sendJson(ex, response(model, "").put("done", true).put("done_reason", reason));
            return;
        }
        try (ModelPool.Lease lease = pool.acquire(model, keepAlive)) {
            generate(ex, request, model, prompt, given, system, raw, stream, lease);
        }
    }

    private void generate(Exchange ex, JsonBody request, String model, String prompt, List<RgbImage> given, String system,
                          boolean raw, boolean stream, ModelPool.Lease lease) throws IOException {
        Engine engine = lease.engine();
        Settings s = settings(request, engine);
        Engine.Prompt tokens;
        if (raw) {
            tokens = engine.rawPrompt(prompt, given);
        } else {
            List<ChatMessage> messages = new ArrayList<>();
            List<List<RgbImage>> imagesPerMessage = new ArrayList<>();
            if (system != null && !system.isBlank()) {
                messages.add(ChatMessage.system(system));
                imagesPerMessage.add(List.of());
            }
            messages.add(ChatMessage.user(prompt));
            imagesPerMessage.add(given);
            tokens = engine.chatPrompt(messages, imagesPerMessage);
        }
        Job job = engine.submit(tokens, s.options(), s.contextLimit());
        if (stream) {
            ex.startStream("application/x-ndjson");
            GenerationResult r = engine.run(job, piece -> ex.chunk(line(response(model, piece).put("done", false))));
            ex.chunk(line(finish(response(model, ""), r, ex, lease)));
        } else {
            GenerationResult r = engine.runWhole(job, ex);
            ObjectNode body = response(model, r.text());
            if (!r.thinking().isEmpty()) {
                body.put("thinking", r.thinking());
            }
            sendJson(ex, finish(body, r, ex, lease));
        }
    }

    private ObjectNode response(String model, String text) {
        ObjectNode n = json.createObjectNode();
        n.put("model", model);
        n.put("created_at", Instant.now().toString());
        n.put("response", text);
        return n;
    }

    private ObjectNode chatMessage(String model, String content, String thinking) {
        ObjectNode n = json.createObjectNode();
        n.put("model", model);
        n.put("created_at", Instant.now().toString());
        ObjectNode m = n.putObject("message");
        m.put("role", "assistant");
        m.put("content", content);
        if (thinking != null) {
            m.put("thinking", thinking);
        }
        n.put("done", false);
        return n;
    }

    /** The last object of a response: done, why, and Ollama's timings in nanoseconds. */
    private static ObjectNode finish(ObjectNode n, GenerationResult r, Exchange ex, ModelPool.Lease lease) {
        n.put("done", true);
        n.put("done_reason", r.reason() == StopReason.MAX_TOKENS || r.reason() == StopReason.CONTEXT_FULL ? "length" : "stop");
        n.put("total_duration", System.nanoTime() - ex.receivedNanos());
        n.put("load_duration", lease.loadNanos());
        n.put("prompt_eval_count", r.promptTokens());
        n.put("prompt_eval_duration", r.promptNanos());
        n.put("eval_count", r.tokens().length);
        n.put("eval_duration", r.generateNanos());
        return n;
    }

    private void tags(Exchange ex) throws IOException {
        ObjectNode root = json.createObjectNode();
        ArrayNode models = root.putArray("models");
        for (ModelLibrary.Entry e : pool.library().list()) {
            models.add(pool.library().card(e).entry(json));
        }
        sendJson(ex, root);
    }

    private void show(Exchange ex) throws IOException {
        JsonBody request = JsonBody.parse(json, ex.body(maxBody));
        ModelLibrary.Entry e = pool.entry(request.string("model", request.string("name", null)));
        ModelCard card;
        int ctx;
        Optional<ModelPool.Loaded> loaded = pool.loaded().stream().filter(l -> l.path.equals(e.path())).findFirst();
        if (loaded.isPresent()) {
            card = loaded.get().engine().card().named(e.name());
            ctx = loaded.get().engine().contextLength();
        } else {
            try (GgufFile file = GgufFile.open(e.path())) {
                card = new ModelCard(e.name(), file, new ChatTemplate(Tokenizer.of(file)));
                ctx = Math.min(pool.settings().contextLength(), Gemma3Config.from(file).contextLength());
            }
        }
        String parameters = "stop                           \"<end_of_turn>\"\ntemperature                    1\n"
                + "top_k                          64\ntop_p                          0.95\nnum_ctx                        " + ctx;
        sendJson(ex, card.show(json, parameters, pool.library().hasVision(e)));
    }

    /** The loaded models with what they hold (mapped file and KV caches) and when they will be unloaded. */
    private void ps(Exchange ex) throws IOException {
        ObjectNode root = json.createObjectNode();
        ArrayNode models = root.putArray("models");
        for (ModelPool.Loaded l : pool.loaded()) {
            ObjectNode entry = l.engine().card().entry(json);
            entry.put("size", l.bytes());
            entry.put("expires_at", l.expiresAt().toString());
            entry.put("size_vram", 0);
            entry.put("context_length", l.engine().contextLength());
            models.add(entry);
        }
        sendJson(ex, root);
    }

    private String line(ObjectNode n) throws IOException {
        return json.writeValueAsString(n) + "\n";
    }

    private void sendJson(Exchange ex, ObjectNode n) throws IOException {
        ex.send(200, "application/json; charset=utf-8", json.writeValueAsString(n));
    }
}
