package org.medgemma4j.model;

import java.nio.file.Path;
import org.medgemma4j.gguf.GgufException;
import org.medgemma4j.gguf.GgufFile;

/** A loaded Gemma 3 / MedGemma GGUF: the mapped file, its hyperparameters and its weights. */
public final class Gemma3Model implements AutoCloseable {

    private final GgufFile file;
    private final Gemma3Config config;
    private final Gemma3Weights weights;
    private final String architecture;

    private Gemma3Model(GgufFile file, Gemma3Config config, Gemma3Weights weights, String architecture) {
        this.file = file;
        this.config = config;
        this.weights = weights;
        this.architecture = architecture;
    }

    /** Opens a model file; any problem with it is a GgufException naming the file and the problem. */
    public static Gemma3Model load(Path path) throws GgufException {
        return load(path, Gemma3Config.ARCH);
    }

    /**
     * Opens a file of a Gemma 3 shaped architecture: {@link Gemma3Config#ARCH} (causal, a language model) or
     * {@link Gemma3Config#EMBEDDING_ARCH} (bidirectional, an encoder for embeddings).
     */
    public static Gemma3Model load(Path path, String architecture) throws GgufException {
        GgufFile file = GgufFile.open(path);
        try {
            Gemma3Config config = Gemma3Config.from(file, architecture);
            return new Gemma3Model(file, config, Gemma3Weights.load(file, config), architecture);
        } catch (GgufException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /** The file's general.architecture. */
    public String architecture() {
        return architecture;
    }

    /**
     * Whether every token attends to the whole input, before and after it (gemma-embedding; sliding layers
     * then see a window centred on the token), rather than to the tokens before it.
     */
    public boolean bidirectional() {
        return Gemma3Config.EMBEDDING_ARCH.equals(architecture);
    }

    public GgufFile file() {
        return file;
    }

    public Gemma3Config config() {
        return config;
    }

    public Gemma3Weights weights() {
        return weights;
    }

    @Override
    public void close() {
        file.close();
    }
}
