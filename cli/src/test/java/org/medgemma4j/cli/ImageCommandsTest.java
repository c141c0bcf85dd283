package org.medgemma4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medgemma4j.testing.FixtureModels;
import org.medgemma4j.testing.LlamaMtmd;
import org.medgemma4j.testing.Logits;
import org.medgemma4j.testing.MmprojFixtures;

/**
 * Images on the command line, on the tiny text fixture with a random-weight mmproj of the real geometry:
 * {@code logits --image} against llama.cpp's libmtmd, the mmproj found beside the model and named, the
 * one-line error without one, and chat's /image giving the same answer as run.
 */
class ImageCommandsTest {

    static final String RAW_PROMPT = "<start_of_turn>user\nWhat does this image show? <__media__>\nAnswer briefly.<end_of_turn>\n<start_of_turn>model\n";

    @TempDir
    static Path dir;
    static Path model;
    static Path mmproj;
    static Path image;
    /** The model with its mmproj beside it, and nothing else. */
    static Path pairedModel;
    /** The model alone in its folder. */
    static Path loneModel;

    @BeforeAll
    static void fixtures() throws Exception {
        model = FixtureModels.f32(FixtureModels.TINY);
        mmproj = MmprojFixtures.f16(MmprojFixtures.SMALL);
        BufferedImage img = new BufferedImage(301, 187, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int r = (x * 255) / 300;
                int g = ((x / 23 + y / 17) % 2 == 0) ? 220 : 30;
                int b = (int) (127 + 120 * Math.sin((x + 2 * y) / 19.0));
                img.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        image = dir.resolve("picture.png");
        ImageIO.write(img, "png", image.toFile());
        Files.createDirectories(dir.resolve("paired"));
        pairedModel = Files.createSymbolicLink(dir.resolve("paired/model.gguf"), model);
        Files.createSymbolicLink(dir.resolve("paired/mmproj-model-f16.gguf"), mmproj);
        Files.createDirectories(dir.resolve("lone"));
        loneModel = Files.createSymbolicLink(dir.resolve("lone/model.gguf"), model);
    }

    @Test
    void logitsWithAnImageMatchLlamaCpp() throws Exception {
        Path out = dir.resolve("logits.f32");
        Path embd = dir.resolve("embd.f32");
        CliRun r = CliRun.of("logits", "-m", model.toString(), "--mmproj", mmproj.toString(), "--image", image.toString(),
                "--prompt", RAW_PROMPT, "--out", out.toString(), "--embd-out", embd.toString(), "-t", "2", "-c", "1024");
        assertThat(r.exitCode()).as(r.err()).isZero();
        LlamaMtmd.Result ref = LlamaMtmd.get().run(model, mmproj, image, RAW_PROMPT, 2);
        float[] embeddings = floats(embd);
        assertThat(embeddings).hasSize(256 * 256);
        float[] all = floats(out);
        int nVocab = ref.lastLogits().length;
        int positions = ref.textChunks().stream().mapToInt(c -> c.length).sum() + ref.imageTokens();
        assertThat(all.length).as("one row per prompt position").isEqualTo(positions * nVocab);
        float[] last = java.util.Arrays.copyOfRange(all, all.length - nVocab, all.length);
        double embdErr = relRms(embeddings, ref.embeddings());
        double logitErr = relRms(last, ref.lastLogits());
        System.out.printf("logits --image: embeddings rel RMS %.2e, last logits rel RMS %.2e%n", embdErr, logitErr);
        assertThat(embdErr).isLessThan(2e-3);
        assertThat(logitErr).isLessThan(5e-3);
        assertThat(Logits.argmax(last)).as("top-1").isEqualTo(Logits.argmax(ref.lastLogits()));
        assertThat(r.out()).contains("\"positions\":" + positions).contains("\"images\":[{");
    }

    @Test
    void theMmprojBesideTheModelIsFoundAndNamed() {
        CliRun found = CliRun.of("run", "-m", pairedModel.toString(), "--image", image.toString(), "-n", "6", "--temp", "0",
                "-t", "2", "-c", "512", "What does this image show?");
        assertThat(found.exitCode()).as(found.err()).isZero();
        assertThat(found.err()).contains("image encoder: " + dir.resolve("paired/mmproj-model-f16.gguf"));
        CliRun named = CliRun.of("run", "-m", loneModel.toString(), "--mmproj", mmproj.toString(), "--image", image.toString(),
                "-n", "6", "--temp", "0", "-t", "2", "-c", "512", "What does this image show?");
        assertThat(named.exitCode()).as(named.err()).isZero();
        assertThat(named.err()).doesNotContain("image encoder:");
        assertThat(named.out()).isEqualTo(found.out());
    }

    /**
     * A Gemma 3 pulled by Ollama carries its vision tower in its one blob: {@code run --image} with the Ollama
     * reference finds it without --mmproj and answers as the same weights given as an mmproj do; fit counts it.
     */
    @Test
    void anOllamaModelIsItsOwnImageEncoder() throws Exception {
        Path ollamaFile = MmprojFixtures.ollamaModel(FixtureModels.TINY, MmprojFixtures.SMALL);
        Path ollama = Path.of(System.getenv("OLLAMA_MODELS"));
        String hex = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(ollamaFile.toString().getBytes(StandardCharsets.UTF_8)));
        Path blob = Files.createDirectories(ollama.resolve("blobs")).resolve("sha256-" + hex);
        Files.deleteIfExists(blob);
        Files.createSymbolicLink(blob, ollamaFile);
        Path manifest = Files.createDirectories(ollama.resolve("manifests/registry.ollama.ai/library/tinyvision")).resolve("test");
        Files.writeString(manifest, """
                {"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",
                 "config":{"mediaType":"application/vnd.docker.container.image.v1+json","digest":"sha256:%s","size":10},
                 "layers":[{"mediaType":"application/vnd.ollama.image.model","digest":"sha256:%s","size":%d}]}
                """.formatted("0".repeat(64), hex, Files.size(ollamaFile)));

        CliRun inside = CliRun.of("run", "-m", "tinyvision:test", "--image", image.toString(), "-n", "6", "--temp", "0",
                "-t", "2", "-c", "512", "What does this image show?");
        assertThat(inside.exitCode()).as(inside.err()).isZero();
        assertThat(inside.err()).contains("image encoder: the vision tower inside " + blob);
        CliRun separate = CliRun.of("run", "-m", loneModel.toString(), "--mmproj", mmproj.toString(), "--image", image.toString(),
                "-n", "6", "--temp", "0", "-t", "2", "-c", "512", "What does this image show?");
        assertThat(separate.exitCode()).as(separate.err()).isZero();
        assertThat(inside.out()).isNotBlank().isEqualTo(separate.out());

        CliRun fit = CliRun.of("fit", "tinyvision:test", "--json");
        assertThat(fit.exitCode()).as(fit.err()).isZero();
        CliRun textOnly = CliRun.of("fit", loneModel.toString(), "--json");
        assertThat(textOnly.exitCode()).as(textOnly.err()).isZero();
        // the vision tensors count once, as the encoder, not also as text weights
        com.fasterxml.jackson.databind.JsonNode withVision = new com.fasterxml.jackson.databind.ObjectMapper().readTree(fit.out());
        com.fasterxml.jackson.databind.JsonNode text = new com.fasterxml.jackson.databind.ObjectMapper().readTree(textOnly.out());
        assertThat(withVision.path("visionBytes").asLong()).isPositive();
        assertThat(text.path("visionBytes").asLong()).isZero();
        assertThat(withVision.path("weightBytes").asLong()).isPositive().isEqualTo(text.path("weightBytes").asLong());
    }

    @Test
    void fitCountsTheEncoderBesideTheModel() {
        CliRun paired = CliRun.of("fit", pairedModel.toString());
        assertThat(paired.exitCode()).as(paired.err()).isZero();
        assertThat(paired.out()).contains("vision encoder").contains("mmproj weights and encoder buffers");
        CliRun lone = CliRun.of("fit", loneModel.toString());
        assertThat(lone.exitCode()).as(lone.err()).isZero();
        assertThat(lone.out()).doesNotContain("vision encoder");
    }

    @Test
    void anImageForAModelWithoutAnEncoderIsAOneLineError() {
        CliRun r = CliRun.of("run", "-m", loneModel.toString(), "--image", image.toString(), "-n", "4", "-t", "1", "hello");
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.err().strip()).isEqualTo("medgemma: model.gguf has no image encoder (no mmproj*.gguf beside it): give one with --mmproj FILE");
    }

    @Test
    void chatAttachesAnImageToTheNextMessageAsRunDoes() {
        CliRun run = CliRun.of("run", "-m", pairedModel.toString(), "--image", image.toString(), "-n", "6", "--temp", "0",
                "-t", "2", "-c", "1024", "Describe it.");
        assertThat(run.exitCode()).as(run.err()).isZero();
        InputStream saved = System.in;
        System.setIn(new ByteArrayInputStream(("/image " + dir.resolve("missing.png") + "\n/image " + image
                + "\nDescribe it.\nAnd now?\n/bye\n").getBytes(StandardCharsets.UTF_8)));
        try {
            CliRun chat = CliRun.of("chat", "-m", pairedModel.toString(), "-n", "6", "--temp", "0", "-t", "2", "-c", "1024");
            assertThat(chat.exitCode()).as(chat.err()).isZero();
            assertThat(chat.err()).contains("image not found: " + dir.resolve("missing.png"));
            assertThat(chat.out()).contains("(image picture.png attached to the next message)")
                    .contains(run.out().strip());
            assertThat(run.out()).isNotBlank();
        } finally {
            System.setIn(saved);
        }
    }

    private static float[] floats(Path f) throws Exception {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[b.remaining() / 4];
        b.asFloatBuffer().get(out);
        return out;
    }

    private static double relRms(float[] a, float[] ref) {
        assertThat(a).hasSameSizeAs(ref);
        double num = 0;
        double den = 0;
        for (int i = 0; i < a.length; i++) {
            num += (a[i] - ref[i]) * (double) (a[i] - ref[i]);
            den += ref[i] * (double) ref[i];
        }
        return Math.sqrt(num / den);
    }
}
