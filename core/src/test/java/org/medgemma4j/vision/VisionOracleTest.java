package org.medgemma4j.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medgemma4j.generate.ImageSpan;
import org.medgemma4j.generate.LoadedModel;
import org.medgemma4j.generate.Session;
import org.medgemma4j.model.Gemma3Inference;
import org.medgemma4j.model.KvCache;
import org.medgemma4j.model.KvCacheType;
import org.medgemma4j.testing.FixtureModels;
import org.medgemma4j.testing.LlamaMtmd;
import org.medgemma4j.testing.Logits;
import org.medgemma4j.testing.MmprojFixtures;

/**
 * Images through our encoder and text model against llama.cpp's libmtmd (oracle/setup-vision.sh), on a
 * random-weight mmproj with the real 896/14/pool-4 geometry and the 62-layer text fixture: the projector
 * output within 2e-3 relative RMS, the last logits within 0.5% with the same top-1, for an RGB PNG and a
 * 16-bit grey PNG of odd, non-square sizes. And decoding the image causally instead misses that bound.
 */
class VisionOracleTest {

    static final String PROMPT = "<start_of_turn>user\nWhat does this image show? <__media__>\nAnswer briefly.<end_of_turn>\n<start_of_turn>model\n";
    static final int THREADS = 2;

    @TempDir
    static Path dir;
    static Path model;
    static Path mmproj;
    static LoadedModel loaded;
    static VisionModel vision;

    @BeforeAll
    static void load() throws Exception {
        model = FixtureModels.f32(FixtureModels.DEEP);
        mmproj = MmprojFixtures.f16(MmprojFixtures.SMALL);
        loaded = LoadedModel.open(model, THREADS);
        vision = VisionModel.open(mmproj, loaded.pool());
    }

    @AfterAll
    static void close() {
        vision.close();
        loaded.close();
    }

    /** An RGB picture with edges, gradients and colour: 301 x 187. */
    static Path rgbPng() throws Exception {
        BufferedImage img = new BufferedImage(301, 187, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int r = (x * 255) / 300;
                int g = ((x / 23 + y / 17) % 2 == 0) ? 220 : 30;
                int b = (int) (127 + 120 * Math.sin((x + 2 * y) / 19.0));
                img.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        Path p = dir.resolve("rgb-301x187.png");
        ImageIO.write(img, "png", p.toFile());
        return p;
    }

    /** A 16-bit grey picture (an X-ray's usual export): 213 x 331, taller than wide. */
    static Path grey16Png() throws Exception {
        BufferedImage img = new BufferedImage(213, 331, BufferedImage.TYPE_USHORT_GRAY);
        WritableRaster r = img.getRaster();
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                double dx = x - 106, dy = y - 150;
                double v = 0.5 + 0.45 * Math.cos(Math.sqrt(dx * dx + dy * dy) / 11.0) * Math.exp(-(dx * dx + dy * dy) / 40000.0);
                r.setSample(x, y, 0, (int) (v * 65535));
            }
        }
        Path p = dir.resolve("grey16-213x331.png");
        ImageIO.write(img, "png", p.toFile());
        return p;
    }

    @Test
    void rgbPngMatchesLlamaCpp() throws Exception {
        compare(rgbPng());
    }

    @Test
    void sixteenBitGreyPngMatchesLlamaCpp() throws Exception {
        compare(grey16Png());
    }

    private void compare(Path image) throws Exception {
        LlamaMtmd.Result ref = LlamaMtmd.get().run(model, mmproj, image, PROMPT, THREADS);
        vision.embed(image); // warm-up: the timed encode below runs compiled code, as llama.cpp's does
        long t0 = System.nanoTime();
        float[] embd = vision.embed(image);
        long ours = System.nanoTime() - t0;
        assertEquals(256, ref.imageTokens());
        double embdErr = relRms(embd, ref.embeddings());
        MediaPrompt prompt = MediaPrompt.build(loaded.tokenizer(), PROMPT, List.of(embd), 256, true);
        assertArrayEquals(ref.textChunks().get(0), java.util.Arrays.copyOf(prompt.tokens(), ref.textChunks().get(0).length),
                "text before the image tokenized as mtmd does");
        float[] logits = logits(prompt, true);
        double logitErr = relRms(logits, ref.lastLogits());
        System.out.printf("%s: embeddings rel RMS %.2e, last logits rel RMS %.2e; encode on %d threads: ours %.0f ms, llama.cpp %.0f ms%n",
                image.getFileName(), embdErr, logitErr, THREADS, ours / 1e6, ref.encodeNanos() / 1e6);
        assertTrue(embdErr < 2e-3, "image embeddings differ from llama.cpp's by " + embdErr + " (relative RMS)");
        assertTrue(logitErr < 5e-3, "last logits differ from llama.cpp's by " + logitErr);
        assertEquals(Logits.argmax(ref.lastLogits()), Logits.argmax(logits), "top-1 token");
    }

    /** The same comparison with the image decoded causally: it must miss the bound (the mask is really tested). */
    @Test
    void causalImageDecodingWouldFail() throws Exception {
        Path image = rgbPng();
        LlamaMtmd.Result ref = LlamaMtmd.get().run(model, mmproj, image, PROMPT, THREADS);
        MediaPrompt prompt = MediaPrompt.build(loaded.tokenizer(), PROMPT, List.of(vision.embed(image)), 256, true);
        double bidirectional = relRms(logits(prompt, true), ref.lastLogits());
        double causal = relRms(logits(prompt, false), ref.lastLogits());
        System.out.printf("causal image decoding: last logits rel RMS %.2e (bidirectional %.2e)%n", causal, bidirectional);
        assertTrue(bidirectional < 5e-3);
        assertTrue(causal > 5e-3, "causal decoding should miss the 0.5% bound, got " + causal);
    }

    /** Our last logits for the prompt: text, the image (bidirectional or causal), text. */
    private static float[] logits(MediaPrompt prompt, boolean bidirectional) {
        if (bidirectional) {
            try (Session s = loaded.newSession(1024, KvCacheType.F16, 512)) {
                s.evaluate(prompt.tokens(), prompt.images(), null);
                return s.logits();
            }
        }
        Gemma3Inference inf = new Gemma3Inference(loaded.model(), KvCacheType.F16, loaded.pool(), 512);
        try (KvCache cache = inf.newCache(1024)) {
            ImageSpan img = prompt.images().get(0);
            int[] t = prompt.tokens();
            float[] logits = new float[loaded.model().config().vocabSize()];
            inf.forward(cache, t, 0, img.start(), 0, logits, null);
            inf.forwardEmbeddings(cache, img.embeddings(), 0, img.count(), img.start(), false, logits, null);
            inf.forward(cache, t, img.end(), t.length - img.end(), img.end(), logits, null);
            return logits;
        }
    }

    static double relRms(float[] a, float[] ref) {
        assertEquals(ref.length, a.length, "lengths");
        double num = IntStream.range(0, a.length).mapToDouble(i -> (a[i] - ref[i]) * (double) (a[i] - ref[i])).sum();
        double den = IntStream.range(0, a.length).mapToDouble(i -> ref[i] * (double) ref[i]).sum();
        return Math.sqrt(num / den);
    }
}
