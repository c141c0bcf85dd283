package org.medgemma4j.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medgemma4j.generate.LoadedModel;
import org.medgemma4j.gguf.GgufException;
import org.medgemma4j.tensor.WorkerPool;
import org.medgemma4j.testing.FixtureModels;
import org.medgemma4j.testing.MmprojFixtures;

/**
 * A Gemma 3 from Ollama's store carries its vision tower inside the model file under Ollama's names: the same
 * random weights written as an mmproj and inside an Ollama-style model file give the same embeddings, bit for
 * bit, and the model file is found as its own image encoder when no mmproj lies beside it.
 */
class OllamaVisionTest {

    @TempDir
    static Path dir;
    static Path ollamaModel;
    static Path mmproj;

    @BeforeAll
    static void files() {
        mmproj = MmprojFixtures.f16(MmprojFixtures.SMALL);
        ollamaModel = MmprojFixtures.ollamaModel(FixtureModels.TINY, MmprojFixtures.SMALL);
    }

    /** 173 x 259, colour with edges: not square, so the padding is in play too. */
    private static RgbImage picture() {
        BufferedImage img = new BufferedImage(173, 259, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int r = (x * 255) / 172;
                int g = ((x / 13 + y / 29) % 2 == 0) ? 200 : 40;
                int b = (int) (127 + 120 * Math.cos((3 * x - y) / 23.0));
                img.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return ImageDecoder.toRgb(img);
    }

    @Test
    void theSameWeightsUnderOllamasNamesGiveTheSameEmbeddingsBitForBit() throws Exception {
        RgbImage image = picture();
        try (WorkerPool pool = new WorkerPool(2);
             VisionModel fromMmproj = VisionModel.open(mmproj, pool);
             VisionModel fromModel = VisionModel.open(ollamaModel, pool)) {
            assertThat(fromMmproj.layout()).isEqualTo(VisionLayout.MMPROJ);
            assertThat(fromModel.layout()).isEqualTo(VisionLayout.OLLAMA);
            assertThat(fromModel.config()).usingRecursiveComparison().isEqualTo(fromMmproj.config());
            assertThat(fromModel.weightBytes()).isEqualTo(fromMmproj.weightBytes());
            float[] a = fromMmproj.embed(image);
            float[] b = fromModel.embed(image);
            assertThat(b).hasSize(256 * 256);
            int[] aBits = new int[a.length];
            int[] bBits = new int[b.length];
            for (int i = 0; i < a.length; i++) {
                aBits[i] = Float.floatToRawIntBits(a[i]);
                bBits[i] = Float.floatToRawIntBits(b[i]);
            }
            assertThat(bBits).isEqualTo(aBits);
            assertThat(a).isNotEqualTo(new float[a.length]); // a real output, not an all-zero pair
        }
    }

    @Test
    void theTextModelLoadsFromTheSameFileAndTheWidthsPair() throws Exception {
        try (LoadedModel m = LoadedModel.open(ollamaModel, 2); VisionModel v = VisionModel.open(ollamaModel, m.pool())) {
            v.checkTextWidth(m.model().config().embeddingLength());
            assertThat(v.config().tokenCount()).isEqualTo(256);
        }
    }

    @Test
    void theModelFileIsItsOwnEncoderUnlessAnMmprojLiesBesideIt() throws Exception {
        Path store = Files.createDirectories(dir.resolve("blobs"));
        Path blob = Files.createSymbolicLink(store.resolve("sha256-0123abcd"), ollamaModel);
        assertThat(VisionModel.carriesVision(blob)).isTrue();
        assertThat(VisionModel.findBeside(blob)).isEqualTo(blob);

        Path beside = Files.createSymbolicLink(store.resolve("mmproj-F16.gguf"), mmproj);
        assertThat(VisionModel.findBeside(blob)).isEqualTo(beside);
    }

    @Test
    void aTextOnlyModelHasNoEncoderAndOpeningItAsOneSaysWhy() throws Exception {
        Path textOnly = dir.resolve("text").resolve("model.gguf");
        Files.createDirectories(textOnly.getParent());
        Files.createSymbolicLink(textOnly, FixtureModels.f32(FixtureModels.TINY));
        assertThat(VisionModel.carriesVision(textOnly)).isFalse();
        assertThat(VisionModel.findBeside(textOnly)).isNull();
        try (WorkerPool pool = new WorkerPool(1)) {
            assertThatThrownBy(() -> VisionModel.open(textOnly, pool))
                    .isInstanceOf(GgufException.class)
                    .hasMessageContaining("neither an mmproj (clip) file nor a model file carrying its own vision tower");
        }
    }
}
