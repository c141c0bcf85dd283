package org.medgemma4j.model;

import java.nio.file.Path;
import org.medgemma4j.gguf.GgufException;
import org.medgemma4j.gguf.GgufFile;

/** A loaded Gemma 3 / MedGemma GGUF: the mapped file, its hyperparameters and its weights. */
public final class Gemma3Model implements AutoCloseable {

    private final GgufFile file;
    private final Gemma3Config config;
    private final Gemma3Weights weights;

    private Gemma3Model(GgufFile file, Gemma3Config config, Gemma3Weights weights) {
        this.file = file;
        this.config = config;
        this.weights = weights;
    }

    /** Opens a model file; any problem with it is a GgufException naming the file and the problem. */
    public static Gemma3Model load(Path path) throws GgufException {
        GgufFile file = GgufFile.open(path);
        try {
            Gemma3Config config = Gemma3Config.from(file);
            return new Gemma3Model(file, config, Gemma3Weights.load(file, config));
        } catch (GgufException | RuntimeException e) {
            file.close();
            throw e;
        }
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
