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
    /**
     * EmbeddingGemma: Gemma 3 layers under their own key prefix, attending both ways (llama.cpp
     * src/models/gemma-embedding.cpp). Read with {@link #from(GgufFile, String)}.
     */
    public static final String EMBEDDING_ARCH = "gemma-embedding";

    /** Reads and checks the hyperparameters; a file of another architecture is a clear error. */
    public static Gemma3Config from(GgufFile file) throws GgufException {
        return from(file.path(), file.metadata(), file::tensor, ARCH);
    }

    /** The same for a Gemma 3 shaped architecture ({@link #ARCH} or {@link #EMBEDDING_ARCH}), keys under its prefix. */
    public static Gemma3Config from(GgufFile file, String architecture) throws GgufException {
        return from(file.path(), file.metadata(), file::tensor, architecture);
    }

    /** The same from a header alone (a file not downloaded yet). */
    public static Gemma3Config from(GgufHeader header) throws GgufException {
        return from(header.name(), header.metadata(), header::tensor, ARCH);
    }

    /** The architecture a file declares (general.architecture), with a clear error when it declares none. */
    public static String architecture(Path path, GgufMetadata m) throws GgufException {
        String arch = m.getString("general.architecture", null);
        if (arch == null) {
            throw new GgufException(path, "general.architecture is missing: not a model file");
        }
        return arch;
    }

    private static Gemma3Config from(Path path, GgufMetadata m, Function<String, GgufTensorInfo> tensors, String expected)
            throws GgufException {
        String arch = architecture(path, m);
        if (!expected.equals(arch)) {
            throw new GgufException(path, "architecture is " + arch + ", but " + (expected.equals(ARCH)
                    ? "medgemma4j runs " + ARCH + " (Gemma 3 / MedGemma) models"
                      + (arch.equals(EMBEDDING_ARCH) ? "; " + EMBEDDING_ARCH + " is an embedding model (medgemma embed)" : "")
                    : "this needs a " + expected + " model"));
        }
        String p = arch + ".";
        int embd = m.getInt(p + "embedding_length");
        int heads = m.getInt(p + "attention.head_count");
        int blocks = m.getInt(p + "block_count");
        if (embd <= 0 || heads <= 0 || blocks <= 0) {
            throw new GgufException(path, "embedding_length, head_count and block_count must be positive");
        }
        int headsKv = m.getInt(p + "attention.head_count_kv", heads);
        int keyLength = m.getInt(p + "attention.key_length", embd / heads);
        int valueLength = m.getInt(p + "attention.value_length", embd / heads);
        if (headsKv <= 0 || heads % headsKv != 0 || keyLength <= 0 || keyLength % 2 != 0 || valueLength <= 0) {
            throw new GgufException(path, "attention shape is invalid: " + heads + " heads, " + headsKv
                    + " KV heads, key length " + keyLength + ", value length " + valueLength);
        }
        int window = m.getInt(p + "attention.sliding_window", 0);
        int pattern = window > 0 ? m.getInt(p + "attention.sliding_window_pattern", 6) : 0;
        float factor = m.has(p + "rope.scaling.factor") ? m.getFloat(p + "rope.scaling.factor")
                : m.getFloat(p + "rope.scale_linear", 0f);
        // the 27B rule is gemma3's alone; gemma-embedding always scales by 1/sqrt(head_dim)
        float queryScale = blocks == 62 && arch.equals(ARCH)
                ? (float) (1.0 / Math.sqrt((float) (embd / heads)))
                : (float) (1.0 / Math.sqrt((float) keyLength));
        GgufTensorInfo embdTensor = tensors.apply("token_embd.weight");
        if (embdTensor == null) {
            throw new GgufException(path, "required tensor token_embd.weight is missing");
        }
        return new Gemma3Config(
                m.getString("general.name", String.valueOf(path.getFileName())),
                Math.toIntExact(embdTensor.dim(1)),
                m.getInt(p + "context_length", 131072),
                embd,
                m.getInt(p + "feed_forward_length"),
                blocks,
                heads,
                headsKv,
                keyLength,
                valueLength,
                m.getFloat(p + "attention.layer_norm_rms_epsilon", 1e-6f),
                window,
                pattern,
                m.getFloat(p + "rope.freq_base", 10000f),
                m.getFloat(p + "rope.freq_base_swa", 10000f),
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
