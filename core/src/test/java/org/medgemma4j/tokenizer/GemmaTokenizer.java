package org.medgemma4j.tokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.medgemma4j.gguf.GgufFile;
import org.medgemma4j.testing.FixtureModels;

/** The tokenizer of the fixture model (the real Gemma 3 vocabulary), loaded once per JVM. */
final class GemmaTokenizer {

    private static Tokenizer instance;

    private GemmaTokenizer() {
    }

    static synchronized Tokenizer get() {
        if (instance == null) {
            try (GgufFile file = GgufFile.open(FixtureModels.f32(FixtureModels.TINY))) {
                instance = Tokenizer.of(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return instance;
    }
}
