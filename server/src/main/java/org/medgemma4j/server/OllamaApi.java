package org.medgemma4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.medgemma4j.generate.ChatMessage;
import org.medgemma4j.generate.GenerationOptions;
import org.medgemma4j.generate.GenerationResult;
import org.medgemma4j.generate.Role;
import org.medgemma4j.generate.StopReason;

/** Ollama's API: /api/chat, /api/generate (NDJSON streams), /api/tags, /api/show, /api/ps, /api/version. */
final class OllamaApi {

    private static final Duration DEFAULT_KEEP_ALIVE = Duration.ofMinutes(5);

    private final Engine engine;
    private final ObjectMapper json;
    private final int maxBody;
    private final String version;
    private volatile Instant expiresAt = Instant.now().plus(DEFAULT_KEEP_ALIVE);

    OllamaApi(Engine engine, ObjectMapper json, int maxBody, String version) {
        this.engine = engine;
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
                .add("GET", "/api/version", ex -> sendJson(ex, json.createObjectNode().put("version", version)));
    }

    /** A request's generation settings: the options object plus num_ctx, which bounds prompt and answer. */
    private record Settings(GenerationOptions options, int contextLimit) {
    }

    private Settings settings(JsonBody request) {
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
        expiresAt = Instant.now().plus(KeepAlive.parse(request.raw("keep_alive"), DEFAULT_KEEP_ALIVE));
        return new Settings(options, limit);
    }

    private void chat(Exchange ex) throws IOException {
        JsonBody request = JsonBody.parse(json, ex.body(maxBody));
        engine.requireModel(request.string("model", null));
        if (request.has("tools") && !request.array("tools").isEmpty()) {
            throw ApiException.badRequest("tool calling is not supported");
        }
        List<ChatMessage> messages = messages(request);
        boolean stream = request.bool("stream", true);
        Settings s = settings(request);
        Job job = engine.submit(engine.chatPrompt(messages), s.options(), s.contextLimit());
        if (stream) {
            ex.startStream("application/x-ndjson");
            GenerationResult r = engine.run(job, new Engine.Sink() {
                @Override
                public void text(String piece) throws IOException {
                    ex.chunk(line(chatMessage(piece, null)));
                }

                @Override
                public void thinking(String piece) throws IOException {
                    ex.chunk(line(chatMessage("", piece)));
                }
            });
            ex.chunk(line(finish(chatMessage("", null), r, ex)));
        } else {
            GenerationResult r = engine.runWhole(job, ex);
            sendJson(ex, finish(chatMessage(r.text(), r.thinking().isEmpty() ? null : r.thinking()), r, ex));
        }
    }

    private List<ChatMessage> messages(JsonBody request) {
        List<ChatMessage> out = new ArrayList<>();
        for (JsonNode m : request.array("messages")) {
            if (!(m instanceof ObjectNode o)) {
                throw ApiException.badRequest("each message must be an object with 'role' and 'content'");
            }
            JsonBody msg = JsonBody.of(o);
            if (msg.has("images") && !msg.array("images").isEmpty()) {
                throw ApiException.badRequest("images are not supported by this server");
            }
            try {
                out.add(new ChatMessage(Role.parse(msg.requiredString("role")), msg.string("content", "")));
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest(e.getMessage());
            }
        }
        return out;
    }

    private void generate(Exchange ex) throws IOException {
        JsonBody request = JsonBody.parse(json, ex.body(maxBody));
        engine.requireModel(request.string("model", null));
        if (request.has("images") && !request.array("images").isEmpty()) {
            throw ApiException.badRequest("images are not supported by this server");
        }
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
        Settings s = settings(request);
        if (prompt.isEmpty()) {
            // Ollama's way to load a model: an empty prompt answers at once
            sendJson(ex, response("").put("done", true).put("done_reason", "load"));
            return;
        }
        int[] tokens;
        if (raw) {
            tokens = engine.rawPrompt(prompt);
        } else {
            List<ChatMessage> messages = new ArrayList<>();
            if (system != null && !system.isBlank()) {
                messages.add(ChatMessage.system(system));
            }
            messages.add(ChatMessage.user(prompt));
            tokens = engine.chatPrompt(messages);
        }
        Job job = engine.submit(tokens, s.options(), s.contextLimit());
        if (stream) {
            ex.startStream("application/x-ndjson");
            GenerationResult r = engine.run(job, piece -> ex.chunk(line(response(piece).put("done", false))));
            ex.chunk(line(finish(response(""), r, ex)));
        } else {
            GenerationResult r = engine.runWhole(job, ex);
            ObjectNode body = response(r.text());
            if (!r.thinking().isEmpty()) {
                body.put("thinking", r.thinking());
            }
            sendJson(ex, finish(body, r, ex));
        }
    }

    private ObjectNode response(String text) {
        ObjectNode n = json.createObjectNode();
        n.put("model", engine.card().name());
        n.put("created_at", Instant.now().toString());
        n.put("response", text);
        return n;
    }

    private ObjectNode chatMessage(String content, String thinking) {
        ObjectNode n = json.createObjectNode();
        n.put("model", engine.card().name());
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
    private static ObjectNode finish(ObjectNode n, GenerationResult r, Exchange ex) {
        n.put("done", true);
        n.put("done_reason", r.reason() == StopReason.MAX_TOKENS || r.reason() == StopReason.CONTEXT_FULL ? "length" : "stop");
        n.put("total_duration", System.nanoTime() - ex.receivedNanos());
        n.put("load_duration", 0);
        n.put("prompt_eval_count", r.promptTokens());
        n.put("prompt_eval_duration", r.promptNanos());
        n.put("eval_count", r.tokens().length);
        n.put("eval_duration", r.generateNanos());
        return n;
    }

    private void tags(Exchange ex) throws IOException {
        ObjectNode root = json.createObjectNode();
        root.putArray("models").add(engine.card().entry(json));
        sendJson(ex, root);
    }

    private void show(Exchange ex) throws IOException {
        JsonBody request = JsonBody.parse(json, ex.body(maxBody));
        String name = request.string("model", request.string("name", null));
        engine.requireModel(name);
        String parameters = "stop                           \"<end_of_turn>\"\ntemperature                    1\n"
                + "top_k                          64\ntop_p                          0.95\nnum_ctx                        "
                + engine.contextLength();
        sendJson(ex, engine.card().show(json, parameters));
    }

    private void ps(Exchange ex) throws IOException {
        ObjectNode entry = engine.card().entry(json);
        entry.put("expires_at", expiresAt.toString());
        entry.put("size_vram", 0);
        entry.put("context_length", engine.contextLength());
        ObjectNode root = json.createObjectNode();
        root.putArray("models").add(entry);
        sendJson(ex, root);
    }

    private String line(ObjectNode n) throws IOException {
        return json.writeValueAsString(n) + "\n";
    }

    private void sendJson(Exchange ex, ObjectNode n) throws IOException {
        ex.send(200, "application/json; charset=utf-8", json.writeValueAsString(n));
    }
}
