package org.medgemma4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.medgemma4j.embed.EmbeddingModel;
import org.medgemma4j.embed.Vectors;

/**
 * Embeddings from an EmbeddingGemma model: OpenAI's {@code POST /v1/embeddings} ({"input": text, texts, token
 * ids or lists of them; "dimensions"; "encoding_format" float or base64}), Ollama's {@code POST /api/embed}
 * ({"input": text or texts, "truncate" default true, "dimensions"}) and its legacy {@code POST /api/embeddings}
 * ({"prompt"} -> {"embedding"}). Texts are embedded as given: a client adds EmbeddingGemma's query or document
 * prompt itself, as with llama.cpp's server. Vectors are unit length; a Matryoshka size is renormalised.
 */
final class EmbeddingsApi {

    private final EmbeddingModel model;
    private final String name;
    private final ObjectMapper json;
    private final int maxBody;

    /** @param name the name responses carry (requests may name any model: there is one embedding model) */
    EmbeddingsApi(EmbeddingModel model, String name, ObjectMapper json, int maxBody) {
        this.model = model;
        this.name = name;
        this.json = json;
        this.maxBody = maxBody;
    }

    void register(Router router) {
        router.add("POST", "/v1/embeddings", this::openAi)
                .add("POST", "/api/embed", this::ollama)
                .add("POST", "/api/embeddings", this::ollamaLegacy);
    }

    private void openAi(Exchange ex) throws IOException {
        JsonBody request = JsonBody.parse(json, ex.body(maxBody));
        List<int[]> inputs = openAiInputs(request.raw("input"));
        String format = request.string("encoding_format", "float");
        if (!format.equals("float") && !format.equals("base64")) {
            throw ApiException.badRequest("'encoding_format' must be float or base64");
        }
        int dims = dimensions(request);
        List<float[]> vectors = embed(inputs, false);
        ObjectNode out = json.createObjectNode().put("object", "list");
        ArrayNode data = out.putArray("data");
        long tokens = 0;
        for (int i = 0; i < vectors.size(); i++) {
            float[] v = Vectors.truncate(vectors.get(i), dims);
            ObjectNode item = data.addObject().put("object", "embedding").put("index", i);
            if (format.equals("base64")) {
                ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
                b.asFloatBuffer().put(v);
                item.put("embedding", Base64.getEncoder().encodeToString(b.array()));
            } else {
                floats(item.putArray("embedding"), v);
            }
            tokens += inputs.get(i).length;
        }
        out.put("model", name);
        out.putObject("usage").put("prompt_tokens", tokens).put("total_tokens", tokens);
        ex.send(200, "application/json", json.writeValueAsString(out));
    }

    private void ollama(Exchange ex) throws IOException {
        long t0 = System.nanoTime();
        JsonBody request = JsonBody.parse(json, ex.body(maxBody));
        if (!request.has("input")) {
            throw ApiException.badRequest("'input' is required");
        }
        List<String> texts = request.strings("input");
        int dims = dimensions(request);
        List<int[]> inputs = new ArrayList<>();
        long tokens = 0;
        for (String t : texts) {
            int[] ids = model.tokenize(t);
            inputs.add(ids);
            tokens += Math.min(ids.length, model.maxTokens());
        }
        List<float[]> vectors = embed(inputs, request.bool("truncate", true));
        ObjectNode out = json.createObjectNode().put("model", name);
        ArrayNode all = out.putArray("embeddings");
        for (float[] v : vectors) {
            floats(all.addArray(), Vectors.truncate(v, dims));
        }
        out.put("total_duration", System.nanoTime() - t0).put("load_duration", 0).put("prompt_eval_count", tokens);
        ex.send(200, "application/json", json.writeValueAsString(out));
    }

    private void ollamaLegacy(Exchange ex) throws IOException {
        JsonBody request = JsonBody.parse(json, ex.body(maxBody));
        String prompt = request.requiredString("prompt");
        ObjectNode out = json.createObjectNode();
        floats(out.putArray("embedding"), embed(List.of(model.tokenize(prompt)), true).getFirst());
        ex.send(200, "application/json", json.writeValueAsString(out));
    }

    /** OpenAI's input: a string, an array of strings, an array of token ids, or an array of such arrays. */
    private List<int[]> openAiInputs(JsonNode input) {
        if (input == null) {
            throw ApiException.badRequest("'input' is required");
        }
        List<int[]> out = new ArrayList<>();
        if (input.isTextual()) {
            out.add(model.tokenize(input.textValue()));
            return out;
        }
        if (!input.isArray() || input.isEmpty()) {
            throw ApiException.badRequest("'input' must be a string, an array of strings or of token ids, non-empty");
        }
        if (input.get(0).isIntegralNumber()) {
            out.add(tokenIds(input));
            return out;
        }
        for (JsonNode item : input) {
            if (item.isTextual()) {
                out.add(model.tokenize(item.textValue()));
            } else if (item.isArray() && !item.isEmpty()) {
                out.add(tokenIds(item));
            } else {
                throw ApiException.badRequest("'input' items must be strings or non-empty arrays of token ids");
            }
        }
        return out;
    }

    private int[] tokenIds(JsonNode array) {
        int vocab = model.tokenizer().vocabulary().size();
        int[] ids = new int[array.size()];
        for (int i = 0; i < ids.length; i++) {
            JsonNode t = array.get(i);
            if (!t.isIntegralNumber() || t.longValue() < 0 || t.longValue() >= vocab) {
                throw ApiException.badRequest("token ids must be integers 0 to " + (vocab - 1));
            }
            ids[i] = t.intValue();
        }
        return ids;
    }

    private int dimensions(JsonBody request) {
        Long d = request.integer("dimensions");
        if (d == null) {
            return model.dimensions();
        }
        if (d < 1 || d > model.dimensions()) {
            throw ApiException.badRequest("'dimensions' must be 1 to " + model.dimensions());
        }
        return d.intValue();
    }

    /** Too long a text is cut to the model's limit (keeping its last token, EOS) or refused. */
    private List<float[]> embed(List<int[]> inputs, boolean truncate) {
        List<int[]> fitted = new ArrayList<>(inputs.size());
        for (int[] ids : inputs) {
            if (ids.length > model.maxTokens()) {
                if (!truncate) {
                    throw ApiException.badRequest("an input is " + ids.length + " tokens; this model embeds at most " + model.maxTokens());
                }
                int[] cut = Arrays.copyOf(ids, model.maxTokens());
                cut[cut.length - 1] = ids[ids.length - 1];
                ids = cut;
            }
            fitted.add(ids);
        }
        try {
            return model.embedTokens(fitted);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    private static void floats(ArrayNode array, float[] v) {
        for (float x : v) {
            array.add(x);
        }
    }
}
