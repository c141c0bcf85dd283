package org.medgemma4j.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.medgemma4j.gguf.GgufException;
import org.medgemma4j.model.Gemma3Model;
import org.medgemma4j.testing.EmbeddingFixtures;
import org.medgemma4j.testing.FixtureModels;
import org.medgemma4j.testing.LlamaOracle;

/** EmbeddingGemma vectors against llama.cpp's (pooled, L2-normalised) on gemma-embedding fixtures. */
class EmbeddingOracleTest {

    /** Short and long (past the symmetric window of 16), prompts of both kinds, a control token in the text. */
    static final List<String> TEXTS = List.of(
            "hello",
            EmbeddingPrompt.query("Does metformin reduce cardiovascular mortality in type 2 diabetes?"),
            EmbeddingPrompt.document("Statins after myocardial infarction", "In a randomised trial of 4,444 patients with "
                    + "coronary heart disease, simvastatin reduced total mortality by 30% over 5.4 years (p=0.0003); "
                    + "IL-6 and HbA1c were secondary end points."),
            "Ends with a turn marker <end_of_turn>");

    @Test
    void vectorsEqualLlamaCppWithoutDenseHead() throws Exception {
        compare(EmbeddingFixtures.f32(EmbeddingFixtures.TINY), false, 0.9999);
    }

    @Test
    void vectorsEqualLlamaCppWithDenseHead() throws Exception {
        compare(EmbeddingFixtures.f32(EmbeddingFixtures.TINY_DENSE), true, 0.9999);
    }

    @Test
    void q8_0VectorsStayCloseToLlamaCpp() throws Exception {
        // Q8_0 rounds weights and activations; both engines round them the same way, so the gap stays small
        compare(EmbeddingFixtures.quantized(EmbeddingFixtures.TINY_DENSE, "Q8_0"), true, 0.999);
    }

    private static void compare(Path file, boolean dense, double minCosine) throws Exception {
        try (EmbeddingModel model = EmbeddingModel.open(file, 2)) {
            assertThat(model.hasDenseHead()).isEqualTo(dense);
            assertThat(model.pooling()).isEqualTo(Pooling.MEAN);
            for (String text : TEXTS) {
                int[] ids = model.tokenize(text);
                assertThat(ids).containsExactly(LlamaOracle.tokenize(file, text, true, true));
                assertThat(ids[0]).isEqualTo(2);           // <bos>
                assertThat(ids[ids.length - 1]).isEqualTo(1); // <eos>, as the file's add_eos_token asks
                float[] ours = model.embed(text);
                float[] theirs = LlamaOracle.embed(file, text, true, true);
                double cos = Vectors.cosine(ours, theirs);
                System.out.printf("%s %d tokens cosine %.7f%n", file.getFileName(), ids.length, cos);
                assertThat(ours).hasSize(model.dimensions());
                assertThat(cos).as("cosine for \"%s\"", text).isGreaterThanOrEqualTo(minCosine);
            }
        }
    }

    @Test
    void textsSharingAPassGetTheVectorsTheyGetAlone() throws Exception {
        try (EmbeddingModel model = EmbeddingModel.open(EmbeddingFixtures.f32(EmbeddingFixtures.TINY_DENSE), 2)) {
            List<float[]> together = model.embed(TEXTS);
            for (int i = 0; i < TEXTS.size(); i++) {
                assertThat(together.get(i)).containsExactly(model.embed(TEXTS.get(i)));
            }
            // different texts, different directions; the same text, the same vector every time
            assertThat(Vectors.cosine(together.get(1), together.get(2))).isLessThan(0.999);
            assertThat(model.embed(TEXTS.get(1))).containsExactly(together.get(1));
        }
    }

    @Test
    void matryoshkaTruncatesAndRenormalises() throws Exception {
        try (EmbeddingModel model = EmbeddingModel.open(EmbeddingFixtures.f32(EmbeddingFixtures.TINY), 2)) {
            float[] full = model.embed(TEXTS.get(2));
            float[] small = model.embed(TEXTS.get(2), 128);
            assertThat(small).hasSize(128);
            double norm = 0;
            for (float x : small) {
                norm += x * x;
            }
            assertThat(norm).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
            float[] prefix = java.util.Arrays.copyOf(full, 128);
            assertThat(Vectors.cosine(small, prefix)).isGreaterThan(0.99999);
            assertThatThrownBy(() -> model.embed("x", 257)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("1 to 256");
        }
    }

    @Test
    void tooLongATextIsAClearError() throws Exception {
        try (EmbeddingModel model = EmbeddingModel.open(EmbeddingFixtures.f32(EmbeddingFixtures.TINY), 2)) {
            String longText = "word ".repeat(model.maxTokens() + 10);
            assertThatThrownBy(() -> model.embed(longText)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("embeds at most " + model.maxTokens());
        }
    }

    @Test
    void languageAndEmbeddingModelsAreNotMixedUp() {
        assertThatThrownBy(() -> EmbeddingModel.open(FixtureModels.f32(FixtureModels.TINY), 1))
                .isInstanceOf(GgufException.class).hasMessageContaining("this needs a gemma-embedding model");
        assertThatThrownBy(() -> Gemma3Model.load(EmbeddingFixtures.f32(EmbeddingFixtures.TINY)))
                .isInstanceOf(GgufException.class).hasMessageContaining("is an embedding model");
    }
}
