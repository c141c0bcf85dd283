package org.medgemma4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.medgemma4j.generate.ChatMessage;
import org.medgemma4j.generate.GenerationOptions;
import org.medgemma4j.generate.GenerationResult;
import org.medgemma4j.generate.Role;
import org.medgemma4j.generate.StopReason;

/** OpenAI's API: /v1/chat/completions and /v1/completions (SSE streams ending in [DONE]), /v1/models. */
final class OpenAiApi {

    private final Engine engine;
    private final ObjectMapper json;
    private final int maxBody;

    OpenAiApi(Engine engine, ObjectMapper json, int maxBody) {
        this.engine = engine;
        this.json = json;
        this.maxBody = maxBody;
    }

    void register(Router router) {
        router.add("POST", "/v1/chat/completions", ex -> complete(ex, true))
                .add("POST", "/v1/completions", ex -> complete(ex, false))
                .add("GET", "/v1/models", this::models);
    }

    private void complete(Exchange ex, boolean chat) throws IOException {
        JsonBody request = JsonBody.parse(json, ex.body(maxBody));
        engine.requireModel(request.string("model", null));
        Long n = request.integer("n");
        if (n != null && n != 1) {
            throw ApiException.badRequest("only n=1 is supported");
        }
        if (chat && request.has("tools") && !request.array("tools").isEmpty()) {
            throw ApiException.badRequest("tool calling is not supported");
        }
        int[] prompt = chat ? engine.chatPrompt(messages(request)) : engine.rawPrompt(completionPrompt(request));
        GenerationOptions options = options(request, chat);
        boolean stream = request.bool("stream", false);
        boolean usageInStream = request.object("stream_options").bool("include_usage", false);
        Job job = engine.submit(prompt, options, engine.contextLength());
        String id = (chat ? "chatcmpl-" : "cmpl-") + UUID.randomUUID().toString().replace("-", "");
        long created = System.currentTimeMillis() / 1000;
        if (stream) {
            ex.startStream("text/event-stream");
            if (chat) {
                event(ex, chunk(id, created, chat, delta("assistant", ""), null));
            }
            GenerationResult r = engine.run(job, piece -> event(ex, chunk(id, created, chat,
                    chat ? delta(null, piece) : text(piece), null)));
            event(ex, chunk(id, created, chat, chat ? json.createObjectNode() : text(""), finishReason(r)));
            if (usageInStream) {
                ObjectNode last = base(id, created, chat ? "chat.completion.chunk" : "text_completion");
                last.putArray("choices");
                last.set("usage", usage(r));
                event(ex, last);
            }
            ex.chunk("data: [DONE]\n\n");
        } else {
            GenerationResult r = engine.runWhole(job, ex);
            ObjectNode body = base(id, created, chat ? "chat.completion" : "text_completion");
            ObjectNode choice = body.putArray("choices").addObject();
            choice.put("index", 0);
            if (chat) {
                choice.putObject("message").put("role", "assistant").put("content", r.text()).putNull("refusal");
                choice.putNull("logprobs");
            } else {
                choice.put("text", r.text());
                choice.putNull("logprobs");
            }
            choice.put("finish_reason", finishReason(r));
            body.set("usage", usage(r));
            ex.send(200, "application/json", json.writeValueAsString(body));
        }
    }

    private GenerationOptions options(JsonBody request, boolean chat) {
        Long max = request.integer("max_completion_tokens");
        if (max == null) {
            max = request.integer("max_tokens");
        }
        if (max != null && max < 1) {
            throw ApiException.badRequest("'max_tokens' must be at least 1, got " + max);
        }
        if (max != null && max > engine.contextLength()) {
            throw ApiException.badRequest("'max_tokens' " + max + " exceeds the context of " + engine.contextLength() + " tokens");
        }
        Double temperature = request.number("temperature");
        if (temperature != null && (temperature < 0 || temperature > 2)) {
            throw ApiException.badRequest("'temperature' must be between 0 and 2, got " + temperature);
        }
        List<String> stop = request.strings("stop");
        if (stop.size() > 4) {
            throw ApiException.badRequest("'stop' takes at most 4 sequences");
        }
        if (stop.stream().anyMatch(String::isEmpty)) {
            throw ApiException.badRequest("'stop' sequences must not be empty");
        }
        // the legacy completions endpoint defaults to 16 tokens, chat to the context's end
        int limit = max != null ? max.intValue() : chat ? -1 : 16;
        return new GenerationOptions(limit, Sampling.from(request), stop, false).withGrammar(StructuredOutput.openAi(request));
    }

    private List<ChatMessage> messages(JsonBody request) {
        List<ChatMessage> out = new ArrayList<>();
        for (JsonNode m : request.array("messages")) {
            if (!(m instanceof ObjectNode o)) {
                throw ApiException.badRequest("each message must be an object with 'role' and 'content'");
            }
            JsonBody msg = JsonBody.of(o);
            String role = msg.requiredString("role").toLowerCase(Locale.ROOT);
            try {
                out.add(new ChatMessage(Role.parse(role.equals("developer") ? "system" : role), content(msg.raw("content"))));
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest(e.getMessage());
            }
        }
        return out;
    }

    /** A message's content: a string, or an array of text parts. */
    private static String content(JsonNode content) {
        if (content == null) {
            return "";
        }
        if (content.isTextual()) {
            return content.textValue();
        }
        if (!content.isArray()) {
            throw ApiException.badRequest("message 'content' must be a string or an array of parts");
        }
        StringBuilder sb = new StringBuilder();
        for (JsonNode part : content) {
            if (!"text".equals(part.path("type").asText()) || !part.path("text").isTextual()) {
                throw ApiException.badRequest("only text content parts are supported");
            }
            sb.append(part.get("text").textValue());
        }
        return sb.toString();
    }

    private static String completionPrompt(JsonBody request) {
        JsonNode p = request.raw("prompt");
        if (p != null && p.isArray() && p.size() == 1 && p.get(0).isTextual()) {
            p = p.get(0);
        }
        if (p == null || !p.isTextual()) {
            throw ApiException.badRequest("'prompt' must be a string");
        }
        if (p.textValue().isEmpty()) {
            throw ApiException.badRequest("'prompt' must not be empty");
        }
        return p.textValue();
    }

    private ObjectNode base(String id, long created, String object) {
        ObjectNode n = json.createObjectNode();
        n.put("id", id);
        n.put("object", object);
        n.put("created", created);
        n.put("model", engine.card().name());
        return n;
    }

    private ObjectNode chunk(String id, long created, boolean chat, ObjectNode content, String finishReason) {
        ObjectNode n = base(id, created, chat ? "chat.completion.chunk" : "text_completion");
        ArrayNode choices = n.putArray("choices");
        ObjectNode choice = choices.addObject();
        choice.put("index", 0);
        if (chat) {
            choice.set("delta", content);
        } else {
            choice.setAll(content);
        }
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason);
        return n;
    }

    private ObjectNode delta(String role, String content) {
        ObjectNode d = json.createObjectNode();
        if (role != null) {
            d.put("role", role);
        }
        d.put("content", content);
        return d;
    }

    private ObjectNode text(String piece) {
        return json.createObjectNode().put("text", piece);
    }

    private ObjectNode usage(GenerationResult r) {
        ObjectNode u = json.createObjectNode();
        u.put("prompt_tokens", r.promptTokens());
        u.put("completion_tokens", r.tokens().length);
        u.put("total_tokens", r.promptTokens() + r.tokens().length);
        return u;
    }

    private static String finishReason(GenerationResult r) {
        return r.reason() == StopReason.MAX_TOKENS || r.reason() == StopReason.CONTEXT_FULL ? "length" : "stop";
    }

    private void event(Exchange ex, ObjectNode n) throws IOException {
        ex.chunk("data: " + json.writeValueAsString(n) + "\n\n");
    }

    private void models(Exchange ex) throws IOException {
        ObjectNode root = json.createObjectNode();
        root.put("object", "list");
        ObjectNode m = root.putArray("data").addObject();
        m.put("id", engine.card().name());
        m.put("object", "model");
        m.put("created", engine.card().modified().getEpochSecond());
        m.put("owned_by", "medgemma4j");
        ex.send(200, "application/json", json.writeValueAsString(root));
    }
}
