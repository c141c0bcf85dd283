package org.medgemma4j.model;

import org.medgemma4j.gguf.GgufException;
import java.nio.file.Path;
import java.util.function.Function;
import org.medgemma4j.gguf.GgufFile;
import org.medgemma4j.gguf.GgufHeader;
import org.medgemma4j.gguf.GgufMetadata;
import org.medgemma4j.gguf.GgufTensorInfo;

/**
 * The hyperparameters of a Gemma 3 / MedGemma GGUF, read from its gemma3.* keys with llama.cpp's
 * defaults and rules (src/models/gemma3.cpp, llama-model.cpp).
 *
 * @param ropeScale      position multiplier of the global layers (1 / rope.scaling.factor)
 * @param queryScale     multiplier of Q before attention: 1/sqrt(embedding/heads) for 62-layer (27B)
 *                       models, 1/sqrt(head_dim) otherwise
 * @param slidingPattern every slidingPattern-th layer is global (6 in Gemma 3), 0 when all are global
 */
public record Gemma3Config(
        String name,
        int vocabSize,
        int contextLength,
        int embeddingLength,
        int feedForwardLength,
        int blockCount,
        int headCount,
        int headCountKv,
        int keyLength,
        int valueLength,
        float rmsEps,
        int slidingWindow,
        int slidingPattern,
        float ropeFreqBase,
        float ropeFreqBaseLocal,
        float ropeScale,
        float queryScale) {

    public static final String ARCH = "gemma3";

    /** Reads and checks the hyperparameters; a file of another architecture is a clear error. */
    public static Gemma3Config from(GgufFile file) throws GgufException {
        return from(file.path(), file.metadata(), file::tensor);
    }

    /** The same from a header alone (a file not downloaded yet). */
    public static Gemma3Config from(GgufHeader header) throws GgufException {
        return from(header.name(), header.metadata(), header::tensor);
    }

    private static Gemma3Config from(Path path, GgufMetadata m, Function<String, GgufTensorInfo> tensors) throws GgufException {
        String arch = m.getString("general.architecture", null);
        if (arch == null) {
            throw new GgufException(path, "general.architecture is missing: not a model file");
        }
        if (!ARCH.equals(arch)) {
            throw new GgufException(path, "architecture is " + arch + ", but medgemma4j runs " + ARCH
                    + " (Gemma 3 / MedGemma) models");
        }
        int embd = m.getInt("gemma3.embedding_length");
        int heads = m.getInt("gemma3.attention.head_count");
        int blocks = m.getInt("gemma3.block_count");
        if (embd <= 0 || heads <= 0 || blocks <= 0) {
            throw new GgufException(path, "embedding_length, head_count and block_count must be positive");
        }
        int headsKv = m.getInt("gemma3.attention.head_count_kv", heads);
        int keyLength = m.getInt("gemma3.attention.key_length", embd / heads);
        int valueLength = m.getInt("gemma3.attention.value_length", embd / heads);
        if (headsKv <= 0 || heads % headsKv != 0 || keyLength <= 0 || keyLength % 2 != 0 || valueLength <= 0) {
            throw new GgufException(path, "attention shape is invalid: " + heads + " heads, " + headsKv
                    + " KV heads, key length " + keyLength + ", value length " + valueLength);
        }
        int window = m.getInt("gemma3.attention.sliding_window", 0);
        int pattern = window > 0 ? m.getInt("gemma3.attention.sliding_window_pattern", 6) : 0;
        float factor = m.has("gemma3.rope.scaling.factor") ? m.getFloat("gemma3.rope.scaling.factor")
                : m.getFloat("gemma3.rope.scale_linear", 0f);
        float queryScale = blocks == 62
                ? (float) (1.0 / Math.sqrt((float) (embd / heads)))
                : (float) (1.0 / Math.sqrt((float) keyLength));
        GgufTensorInfo embdTensor = tensors.apply("token_embd.weight");
        if (embdTensor == null) {
            throw new GgufException(path, "required tensor token_embd.weight is missing");
        }
        return new Gemma3Config(
                m.getString("general.name", String.valueOf(path.getFileName())),
                Math.toIntExact(embdTensor.dim(1)),
                m.getInt("gemma3.context_length", 131072),
                embd,
                m.getInt("gemma3.feed_forward_length"),
                blocks,
                heads,
                headsKv,
                keyLength,
                valueLength,
                m.getFloat("gemma3.attention.layer_norm_rms_epsilon", 1e-6f),
                window,
                pattern,
                m.getFloat("gemma3.rope.freq_base", 10000f),
                m.getFloat("gemma3.rope.freq_base_swa", 10000f),
                factor == 0f ? 1f : 1f / factor,
                queryScale);
    }

    /** Whether layer {@code l} attends over a sliding window (llama.cpp: l % pattern < pattern - 1). */
    public boolean isSliding(int layer) {
        return slidingPattern > 0 && layer % slidingPattern < slidingPattern - 1;
    }

    /** Number of layers attending over the whole context. */
    public int globalLayerCount() {
        int n = 0;
        for (int l = 0; l < blockCount; l++) {
            n += isSliding(l) ? 0 : 1;
        }
        return n;
    }
}
