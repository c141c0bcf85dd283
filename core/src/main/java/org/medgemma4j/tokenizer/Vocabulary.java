package org.medgemma4j.tokenizer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.medgemma4j.gguf.GgufArray;
import org.medgemma4j.gguf.GgufException;
import org.medgemma4j.gguf.GgufFile;
import org.medgemma4j.gguf.GgufMetadata;

/**
 * A SentencePiece ("llama") vocabulary as a GGUF file carries it in its tokenizer.ggml.* keys, read
 * with llama.cpp's defaults for keys that are absent.
 */
public final class Vocabulary {

    /** The id of a token the vocabulary does not have. */
    public static final int NONE = -1;

    private final String[] texts;
    private final float[] scores;
    private final TokenType[] types;
    private final Map<String, Integer> ids;
    private final int[] byteTokens;
    private final int bos;
    private final int eos;
    private final int unknown;
    private final int padding;
    private final boolean addBos;
    private final boolean addEos;
    private final boolean addSpacePrefix;

    private Vocabulary(Path file, GgufMetadata m) throws GgufException {
        String model = m.getString("tokenizer.ggml.model");
        if (!model.equals("llama")) {
            throw new GgufException(file, "tokenizer model '" + model
                    + "' is not supported (only 'llama', the SentencePiece tokenizer of Gemma)");
        }
        texts = m.getStringArray("tokenizer.ggml.tokens");
        int n = texts.length;
        scores = m.has("tokenizer.ggml.scores") ? scores(file, m, n) : new float[n];
        int[] rawTypes = m.has("tokenizer.ggml.token_type") ? m.getIntArray("tokenizer.ggml.token_type") : null;
        if (rawTypes != null && rawTypes.length < n) {
            throw new GgufException(file, "tokenizer.ggml.token_type has " + rawTypes.length + " entries for " + n + " tokens");
        }
        types = new TokenType[n];
        ids = new HashMap<>(n * 2);
        for (int i = 0; i < n; i++) {
            if (texts[i].isEmpty()) {
                texts[i] = "[EMPTY_" + i + "]"; // as llama.cpp renames them
            }
            types[i] = rawTypes == null ? TokenType.NORMAL : TokenType.fromGguf(rawTypes[i]);
            if (types[i] == TokenType.BYTE && !texts[i].matches("<0x[0-9A-Fa-f]{2}>")) {
                throw new GgufException(file, "byte token " + i + " has the text '" + texts[i] + "', expected <0xXX>");
            }
            if (ids.put(texts[i], i) != null) {
                throw new GgufException(file, "token text '" + texts[i] + "' appears twice in tokenizer.ggml.tokens");
            }
        }
        // llama.cpp's defaults for a "llama" vocabulary; an id outside the vocabulary keeps the default.
        bos = specialId(m, "bos_token_id", 1);
        eos = specialId(m, "eos_token_id", 2);
        unknown = specialId(m, "unknown_token_id", 0);
        padding = specialId(m, "padding_token_id", NONE);
        addBos = m.getBoolean("tokenizer.ggml.add_bos_token", true);
        addEos = m.getBoolean("tokenizer.ggml.add_eos_token", false);
        addSpacePrefix = m.getBoolean("tokenizer.ggml.add_space_prefix", true);
        if (addBos && bos == NONE || addEos && eos == NONE) {
            throw new GgufException(file, "the tokenizer adds BOS/EOS tokens but has no such token");
        }
        byteTokens = new int[256];
        for (int b = 0; b < 256; b++) {
            byteTokens[b] = byteToken(b);
        }
    }

    /** The vocabulary of an open GGUF file. */
    public static Vocabulary of(GgufFile file) throws GgufException {
        return new Vocabulary(file.path(), file.metadata());
    }

    private static float[] scores(Path file, GgufMetadata m, int n) throws GgufException {
        String key = "tokenizer.ggml.scores";
        GgufArray a = m.getArray(key);
        float[] s;
        if (a.elementType().isInteger()) { // llama.cpp accepts int32 scores too
            int[] v = m.getIntArray(key);
            s = new float[v.length];
            for (int i = 0; i < v.length; i++) {
                s[i] = v[i];
            }
        } else {
            s = m.getFloatArray(key);
        }
        if (s.length < n) {
            throw new GgufException(file, key + " has " + s.length + " entries for " + n + " tokens");
        }
        return s;
    }

    private int specialId(GgufMetadata m, String key, int fallback) throws GgufException {
        long id = m.getLong("tokenizer.ggml." + key, fallback);
        return id >= 0 && id < texts.length ? (int) id : fallback < texts.length ? fallback : NONE;
    }

    // llama.cpp's byte_to_token: <0xXX>, else the byte itself as a one-character token.
    private int byteToken(int b) {
        Integer id = ids.get(String.format("<0x%02X>", b));
        if (id == null && b < 0x80) {
            id = ids.get(String.valueOf((char) b));
        }
        return id == null ? NONE : id;
    }

    public int size() {
        return texts.length;
    }

    /** The token's text as stored, U+2581 standing for spaces. */
    public String text(int id) {
        return texts[id];
    }

    public float score(int id) {
        return scores[id];
    }

    public TokenType type(int id) {
        return types[id];
    }

    /** The id of the token with exactly this text, or {@link #NONE}. */
    public int id(String text) {
        return ids.getOrDefault(text, NONE);
    }

    /** The token standing for one byte in byte fallback, or {@link #NONE}. */
    public int byteToken(byte b) {
        return byteTokens[b & 0xFF];
    }

    /** The byte a BYTE token stands for (its text is {@code <0xXX>}). */
    public int byteValue(int id) {
        return Integer.parseInt(texts[id], 3, 5, 16);
    }

    public int bos() {
        return bos;
    }

    public int eos() {
        return eos;
    }

    public int unknown() {
        return unknown;
    }

    public int padding() {
        return padding;
    }

    public int startOfTurn() {
        return id("<start_of_turn>");
    }

    public int endOfTurn() {
        return id("<end_of_turn>");
    }

    public boolean addBos() {
        return addBos;
    }

    public boolean addEos() {
        return addEos;
    }

    public boolean addSpacePrefix() {
        return addSpacePrefix;
    }

    /** The UTF-8 length of a token's text: llama.cpp orders special tokens by it. */
    int byteLength(int id) {
        return texts[id].getBytes(StandardCharsets.UTF_8).length;
    }
}
