package org.medgemma4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.medgemma4j.generate.ChatMessage;
import org.medgemma4j.generate.GenerationOptions;
import org.medgemma4j.generate.GenerationResult;
import org.medgemma4j.generate.Role;
import org.medgemma4j.generate.StopReason;
import org.medgemma4j.generate.TokenLogprob;
import org.medgemma4j.tokenizer.Tokenizer;
import org.medgemma4j.vision.RgbImage;

/**
 * OpenAI's API: /v1/chat/completions and /v1/completions (SSE streams ending in [DONE]) with log-probabilities
 * on request, /v1/models (every servable model). Requests name their model; the {@link ModelPool} loads it.
 */
final class OpenAiApi {

    private final ModelPool pool;
    private final ObjectMapper json;
    private final int maxBody;
    private final ImageSources images;

    OpenAiApi(ModelPool pool, ObjectMapper json, int maxBody, ImageSources images) {
        this.pool = pool;
        this.json = json;
        this.maxBody = maxBody;
        this.images = images;
    }

    void register(Router router) {
        router.add("POST", "/v1/chat/completions", ex -> complete(ex, true))
                .add("POST", "/v1/completions", ex -> complete(ex, false))
                .add("GET", "/v1/models", this::models);
    }

    private void complete(Exchange ex, boolean chat) throws IOException {
        JsonBody request = JsonBody.parse(json, ex.body(maxBody));
        String model = request.string("model", null);
        pool.entry(model); // an unknown model is a 404 before anything else is checked
        try (ModelPool.Lease lease = pool.acquire(model, null)) {
            complete(ex, chat, request, model, lease.engine());
        }
    }

    private void complete(Exchange ex, boolean chat, JsonBody request, String model, Engine engine) throws IOException {
        Long n = request.integer("n");
        if (n != null && n != 1) {
            throw ApiException.badRequest("only n=1 is supported");
        }
        if (chat && request.has("tools") && !request.array("tools").isEmpty()) {
            throw ApiException.badRequest("tool calling is not supported");
        }
        Engine.Prompt prompt;
        if (chat) {
            List<List<RgbImage>> imagesPerMessage = new ArrayList<>();
            List<ChatMessage> messages = messages(request, imagesPerMessage);
            prompt = engine.chatPrompt(messages, imagesPerMessage);
        } else {
            prompt = new Engine.Prompt(engine.rawPrompt(completionPrompt(request)));
        }
        int logprobs = logprobs(request, chat);
        GenerationOptions options = options(request, chat, engine).withLogprobs(logprobs);
        Tokenizer tokenizer = engine.model().tokenizer();
        boolean stream = request.bool("stream", false);
        boolean usageInStream = request.object("stream_options").bool("include_usage", false);
        Job job = engine.submit(prompt, options, engine.contextLength());
        String id = (chat ? "chatcmpl-" : "cmpl-") + UUID.randomUUID().toString().replace("-", "");
        long created = System.currentTimeMillis() / 1000;
        if (stream) {
            ex.startStream("text/event-stream");
            if (chat) {
                event(ex, chunk(model, id, created, chat, delta("assistant", ""), null, null));
            }
            GenerationResult r = engine.run(job, new Engine.Sink() {
                @Override
                public void text(String piece) {
                    throw new IllegalStateException("pieces come with their log-probabilities");
                }

                @Override
                public void text(String piece, List<TokenLogprob> lps) throws IOException {
                    event(ex, chunk(model, id, created, chat, chat ? delta(null, piece) : OpenAiApi.this.text(piece), null,
                            logprobs < 0 ? null : logprobsNode(tokenizer, lps, chat)));
                }
            });
            event(ex, chunk(model, id, created, chat, chat ? json.createObjectNode() : text(""), finishReason(r), null));
            if (usageInStream) {
                ObjectNode last = base(model, id, created, chat ? "chat.completion.chunk" : "text_completion");
                last.putArray("choices");
                last.set("usage", usage(r));
                event(ex, last);
            }
            ex.chunk("data: [DONE]\n\n");
        } else {
            GenerationResult r = engine.runWhole(job, ex);
            ObjectNode body = base(model, id, created, chat ? "chat.completion" : "text_completion");
            ObjectNode choice = body.putArray("choices").addObject();
            choice.put("index", 0);
            if (chat) {
                choice.putObject("message").put("role", "assistant").put("content", r.text()).putNull("refusal");
            } else {
                choice.put("text", r.text());
            }
            choice.set("logprobs", logprobs < 0 ? json.nullNode() : logprobsNode(tokenizer, job.answerLogprobs(), chat));
            choice.put("finish_reason", finishReason(r));
            body.set("usage", usage(r));
            ex.send(200, "application/json", json.writeValueAsString(body));
        }
    }

    /**
     * The alternatives asked for per token, -1 for none. Chat: {@code logprobs: true} and {@code top_logprobs}
     * 0..20; legacy completions: {@code logprobs: N}.
     */
    private static int logprobs(JsonBody request, boolean chat) {
        int max = GenerationOptions.MAX_TOP_LOGPROBS;
        if (chat) {
            boolean on = request.bool("logprobs", false);
            Long top = request.integer("top_logprobs");
            if (top != null && (top < 0 || top > max)) {
                throw ApiException.badRequest("'top_logprobs' must be between 0 and " + max + ", got " + top);
            }
            if (top != null && top > 0 && !on) {
                throw ApiException.badRequest("'top_logprobs' needs 'logprobs': true");
            }
            return on ? (top == null ? 0 : top.intValue()) : -1;
        }
        Long n = request.integer("logprobs");
        if (n != null && (n < 0 || n > max)) {
            throw ApiException.badRequest("'logprobs' must be between 0 and " + max + ", got " + n);
        }
        return n == null ? -1 : n.intValue();
    }

    /** OpenAI's logprobs object: chat's {content: [...]} or the legacy completions' parallel lists. */
    private ObjectNode logprobsNode(Tokenizer tokenizer, List<TokenLogprob> lps, boolean chat) {
        ObjectNode n = json.createObjectNode();
        if (chat) {
            ArrayNode content = n.putArray("content");
            for (TokenLogprob lp : lps) {
                ObjectNode t = tokenNode(tokenizer, lp.token(), lp.logprob());
                ArrayNode top = t.putArray("top_logprobs");
                for (int i = 0; i < lp.topTokens().length; i++) {
                    top.add(tokenNode(tokenizer, lp.topTokens()[i], lp.topLogprobs()[i]));
                }
                content.add(t);
            }
            n.putNull("refusal");
            return n;
        }
        ArrayNode tokens = n.putArray("tokens");
        ArrayNode logprobs = n.putArray("token_logprobs");
        ArrayNode top = n.putArray("top_logprobs");
        ArrayNode offsets = n.putArray("text_offset");
        int offset = 0;
        for (TokenLogprob lp : lps) {
            String text = pieceText(tokenizer, lp.token());
            tokens.add(text);
            logprobs.add(lp.logprob());
            ObjectNode alternatives = top.addObject();
            for (int i = 0; i < lp.topTokens().length; i++) {
                alternatives.put(pieceText(tokenizer, lp.topTokens()[i]), lp.topLogprobs()[i]);
            }
            offsets.add(offset);
            offset += text.length();
        }
        return n;
    }

    private ObjectNode tokenNode(Tokenizer tokenizer, int token, float logprob) {
        byte[] bytes = tokenizer.piece(token, true);
        ObjectNode t = json.createObjectNode();
        t.put("token", new String(bytes, StandardCharsets.UTF_8));
        t.put("logprob", logprob);
        ArrayNode b = t.putArray("bytes");
        for (byte x : bytes) {
            b.add(x & 0xff);
        }
        return t;
    }

    private static String pieceText(Tokenizer tokenizer, int token) {
        return new String(tokenizer.piece(token, true), StandardCharsets.UTF_8);
    }

    private GenerationOptions options(JsonBody request, boolean chat, Engine engine) {
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

    /** The messages, each message's images (image_url parts) into {@code imagesPerMessage}. */
    private List<ChatMessage> messages(JsonBody request, List<List<RgbImage>> imagesPerMessage) throws IOException {
        List<ChatMessage> out = new ArrayList<>();
        for (JsonNode m : request.array("messages")) {
            if (!(m instanceof ObjectNode o)) {
                throw ApiException.badRequest("each message must be an object with 'role' and 'content'");
            }
            JsonBody msg = JsonBody.of(o);
            String role = msg.requiredString("role").toLowerCase(Locale.ROOT);
            try {
                List<RgbImage> mine = new ArrayList<>();
                out.add(new ChatMessage(Role.parse(role.equals("developer") ? "system" : role), content(msg.raw("content"), mine)));
                imagesPerMessage.add(mine);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest(e.getMessage());
            }
        }
        return out;
    }

    /**
     * A message's content: a string, or an array of text and image_url parts (text joined; images in order into
     * {@code images}, placed by the template before the text unless it holds {@code <__media__>}).
     */
    private String content(JsonNode content, List<RgbImage> images) throws IOException {
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
            String type = part.path("type").asText();
            if (type.equals("image_url")) {
                JsonNode url = part.path("image_url");
                url = url.isTextual() ? url : url.path("url");
                if (!url.isTextual()) {
                    throw ApiException.badRequest("an image_url part needs 'image_url': {'url': ...}");
                }
                images.add(this.images.url(url.textValue(), "image " + (images.size() + 1)));
                continue;
            }
            if (!"text".equals(type) || !part.path("text").isTextual()) {
                throw ApiException.badRequest("content parts must be text or image_url, got '" + type + "'");
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

    private ObjectNode base(String model, String id, long created, String object) {
        ObjectNode n = json.createObjectNode();
        n.put("id", id);
        n.put("object", object);
        n.put("created", created);
        n.put("model", model);
        return n;
    }

    private ObjectNode chunk(String model, String id, long created, boolean chat, ObjectNode content, String finishReason,
                             ObjectNode logprobs) {
        ObjectNode n = base(model, id, created, chat ? "chat.completion.chunk" : "text_completion");
        ArrayNode choices = n.putArray("choices");
        ObjectNode choice = choices.addObject();
        choice.put("index", 0);
        if (chat) {
            choice.set("delta", content);
        } else {
            choice.setAll(content);
        }
        choice.set("logprobs", logprobs == null ? json.nullNode() : logprobs);
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
        ArrayNode data = root.putArray("data");
        for (ModelLibrary.Entry e : pool.library().list()) {
            ObjectNode m = data.addObject();
            m.put("id", e.name());
            m.put("object", "model");
            m.put("created", pool.library().card(e).modified().getEpochSecond());
            m.put("owned_by", "medgemma4j");
            ArrayNode capabilities = m.putArray("capabilities").add("completion");
            if (pool.library().hasVision(e)) {
                capabilities.add("vision");
            }
        }
        ex.send(200, "application/json", json.writeValueAsString(root));
    }
}
