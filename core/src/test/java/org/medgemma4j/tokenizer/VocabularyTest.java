package org.medgemma4j.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medgemma4j.gguf.GgufException;
import org.medgemma4j.gguf.GgufFile;
import org.medgemma4j.gguf.GgufWriter;

class VocabularyTest {

    @TempDir
    Path dir;

    private GgufFile write(GgufWriter w) throws Exception {
        Path file = dir.resolve("vocab.gguf");
        w.putString("general.architecture", "gemma3").write(file);
        return GgufFile.open(file);
    }

    @Test
    void rejectsOtherTokenizerModelsNamingFileAndModel() throws Exception {
        try (GgufFile file = write(new GgufWriter().putString("tokenizer.ggml.model", "gpt2")
                .putStrings("tokenizer.ggml.tokens", new String[] {"a"}))) {
            assertThatThrownBy(() -> Vocabulary.of(file)).isInstanceOf(GgufException.class)
                    .hasMessageContaining("vocab.gguf").hasMessageContaining("'gpt2'");
        }
    }

    @Test
    void missingTokensNameTheKey() throws Exception {
        try (GgufFile file = write(new GgufWriter().putString("tokenizer.ggml.model", "llama"))) {
            assertThatThrownBy(() -> Vocabulary.of(file)).isInstanceOf(GgufException.class)
                    .hasMessageContaining("tokenizer.ggml.tokens");
        }
    }

    /** Keys left out take llama.cpp's defaults: BOS 1, add BOS, add a space prefix. */
    @Test
    void usesLlamaCppDefaults() throws Exception {
        String[] tokens = {"<unk>", "<s>", "</s>", "\u2581", "h", "i", "\u2581h", "\u2581hi"};
        try (GgufFile file = write(new GgufWriter().putString("tokenizer.ggml.model", "llama")
                .putStrings("tokenizer.ggml.tokens", tokens)
                .putFloats("tokenizer.ggml.scores", new float[] {0, 0, 0, -1, -1, -1, -2, -3}))) {
            Tokenizer t = Tokenizer.of(file);
            assertThat(t.vocabulary().bos()).isEqualTo(1);
            assertThat(t.encode("hi", true, false)).containsExactly(1, 7);
            assertThat(t.vocabulary().startOfTurn()).isEqualTo(Vocabulary.NONE);
        }
    }

    /** Equal scores merge the leftmost pair first; a higher score wins wherever it is. */
    @Test
    void mergesByScoreThenLeftmost() throws Exception {
        String[] tokens = {"<unk>", "<s>", "</s>", "a", "b", "c", "aa", "bc", "ab"};
        try (GgufFile file = write(new GgufWriter().putString("tokenizer.ggml.model", "llama")
                .putStrings("tokenizer.ggml.tokens", tokens)
                .putFloats("tokenizer.ggml.scores", new float[] {0, 0, 0, 0, 0, 0, -1, -1, -2})
                .putBool("tokenizer.ggml.add_space_prefix", false))) {
            Tokenizer t = Tokenizer.of(file);
            assertThat(t.encode("aaa", false, false)).containsExactly(6, 3);
            assertThat(t.encode("abc", false, false)).containsExactly(3, 7);
        }
    }
}
