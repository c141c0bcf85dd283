package org.medgemma4j.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;
import org.medgemma4j.generate.LoadedModel;
import org.medgemma4j.testing.FixtureModels;
import org.medgemma4j.testing.LlamaMtmd;
import org.medgemma4j.testing.MmprojFixtures;

/**
 * The image encoder's time on MedGemma 4B's geometry (SigLIP-400M, 1152 wide, 27 blocks, projecting to the
 * 2560-wide 4B text model), ours against llama.cpp's libmtmd in the same JVM, same threads: a benchmark for
 * docs/performance.md, not a CI test (VISION_BENCH=1; it writes a 0.8 GB mmproj and needs the 4B-shaped
 * text fixture that bench/compare.sh makes).
 */
@EnabledIfEnvironmentVariable(named = "VISION_BENCH", matches = "1")
class VisionEncoderBenchmark {

    @TempDir
    Path dir;

    @Test
    void encoderTimeOnThe4bGeometry() throws Exception {
        int threads = 2;
        Path model = FixtureModels.quantizedFromF16(FixtureModels.MEDGEMMA_4B, "Q4_K_M");
        Path mmproj = MmprojFixtures.f16(MmprojFixtures.SIGLIP_400M);
        BufferedImage img = new BufferedImage(896, 896, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 896; y++) {
            for (int x = 0; x < 896; x++) {
                img.setRGB(x, y, ((x * 255 / 895) << 16) | (((x / 29 + y / 31) % 2 == 0 ? 210 : 40) << 8) | (y * 255 / 895));
            }
        }
        Path image = dir.resolve("rgb-896.png");
        ImageIO.write(img, "png", image.toFile());
        try (LoadedModel loaded = LoadedModel.open(model, threads); VisionModel vision = VisionModel.open(mmproj, loaded.pool())) {
            for (int round = 1; round <= 2; round++) {
                long t0 = System.nanoTime();
                float[] ours = vision.embed(image);
                long oursNanos = System.nanoTime() - t0;
                LlamaMtmd.Result ref = LlamaMtmd.get().run(model, mmproj, image, "<__media__>", threads);
                assertEquals(ref.embeddings().length, ours.length);
                double num = 0;
                double den = 0;
                for (int i = 0; i < ours.length; i++) {
                    double d = ours[i] - ref.embeddings()[i];
                    num += d * d;
                    den += (double) ref.embeddings()[i] * ref.embeddings()[i];
                }
                System.out.printf("round %d: encode one 896x896 image on %d threads: ours %.2f s, llama.cpp %.2f s (ratio %.2f); "
                        + "embeddings rel RMS %.2e; peak RSS so far %s%n", round, threads, oursNanos / 1e9, ref.encodeNanos() / 1e9,
                        ref.encodeNanos() / (double) oursNanos, Math.sqrt(num / den), peakRss());
            }
        }
    }

    private static String peakRss() {
        try {
            return java.nio.file.Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .filter(l -> l.startsWith("VmHWM")).findFirst().orElse("VmHWM ?").replaceAll("\\s+", " ");
        } catch (java.io.IOException e) {
            return "?";
        }
    }
}
