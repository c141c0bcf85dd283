package org.medgemma4j.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.medgemma4j.gguf.GgufWriter;

/**
 * The real Gemma 3 vocabulary (Hugging Face tokenizer.json from the oracle package) in GGUF
 * "llama" (SentencePiece) form: score = -(rank of the first merge producing the token), 0 otherwise;
 * special added tokens CONTROL, other added tokens USER_DEFINED, byte tokens BYTE, unk UNKNOWN.
 * GEMMA3.md reports this tokenizes exactly as the Hugging Face tokenizer does.
 */
public final class Gemma3Vocabulary {

    public static final int NORMAL = 1;
    public static final int UNKNOWN = 2;
    public static final int CONTROL = 3;
    public static final int USER_DEFINED = 4;
    public static final int BYTE = 6;

    private static Gemma3Vocabulary instance;

    public final String[] tokens;
    public final float[] scores;
    public final int[] types;

    private Gemma3Vocabulary(String[] tokens, float[] scores, int[] types) {
        this.tokens = tokens;
        this.scores = scores;
        this.types = types;
    }

    /** The vocabulary, read once per JVM. */
    public static synchronized Gemma3Vocabulary load() {
        if (instance == null) {
            instance = read(Oracle.gemma3TokenizerJson());
        }
        return instance;
    }

    private static Gemma3Vocabulary read(Path json) {
        try {
            JsonNode root = new ObjectMapper().readTree(json.toFile());
            JsonNode vocab = root.get("model").get("vocab");
            int n = vocab.size();
            String[] tokens = new String[n];
            Map<String, Integer> ids = new HashMap<>(n * 2);
            for (Iterator<Map.Entry<String, JsonNode>> it = vocab.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                int id = e.getValue().asInt();
                tokens[id] = e.getKey();
                ids.put(e.getKey(), id);
            }
            float[] scores = new float[n];
            boolean[] scored = new boolean[n];
            JsonNode merges = root.get("model").get("merges");
            for (int rank = 0; rank < merges.size(); rank++) {
                JsonNode m = merges.get(rank);
                String merged = m.isArray() ? m.get(0).asText() + m.get(1).asText() : m.asText().replace(" ", "");
                Integer id = ids.get(merged);
                if (id != null && !scored[id]) {
                    scored[id] = true;
                    scores[id] = -rank;
                }
            }
            int[] types = new int[n];
            for (int i = 0; i < n; i++) {
                types[i] = tokens[i].matches("<0x[0-9A-F]{2}>") ? BYTE : NORMAL;
            }
            for (JsonNode added : root.get("added_tokens")) {
                int id = added.get("id").asInt();
                if (id < n) {
                    types[id] = added.get("content").asText().equals("<unk>") ? UNKNOWN
                            : added.get("special").asBoolean() ? CONTROL : USER_DEFINED;
                }
            }
            return new Gemma3Vocabulary(tokens, scores, types);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the Gemma 3 vocabulary " + json, e);
        }
    }

    public int size() {
        return tokens.length;
    }

    /** Writes the tokenizer.ggml.* keys as Gemma 3 GGUF files carry them. */
    public void writeTo(GgufWriter w) {
        w.putString("tokenizer.ggml.model", "llama")
                .putStrings("tokenizer.ggml.tokens", tokens)
                .putFloats("tokenizer.ggml.scores", scores)
                .putInt32s("tokenizer.ggml.token_type", types)
                .putUInt32("tokenizer.ggml.bos_token_id", 2)
                .putUInt32("tokenizer.ggml.eos_token_id", 1)
                .putUInt32("tokenizer.ggml.unknown_token_id", 3)
                .putUInt32("tokenizer.ggml.padding_token_id", 0)
                .putBool("tokenizer.ggml.add_bos_token", true)
                .putBool("tokenizer.ggml.add_eos_token", false)
                .putBool("tokenizer.ggml.add_space_prefix", false);
    }
}
