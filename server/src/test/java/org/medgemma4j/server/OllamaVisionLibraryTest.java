package org.medgemma4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medgemma4j.store.ModelStore;
import org.medgemma4j.store.OllamaStore;
import org.medgemma4j.testing.FixtureModels;
import org.medgemma4j.testing.MmprojFixtures;

/** A Gemma 3 in Ollama's store that carries its vision tower in its blob is served with vision, no mmproj needed. */
class OllamaVisionLibraryTest {

    @TempDir
    Path dir;

    /** Registers {@code file} in an Ollama store under {@code dir} as library/NAME:test, as `ollama pull` leaves it. */
    private void register(Path ollama, String name, Path file) throws Exception {
        String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8)));
        Path blob = Files.createDirectories(ollama.resolve("blobs")).resolve("sha256-" + hex);
        Files.createSymbolicLink(blob, file);
        Path manifest = Files.createDirectories(ollama.resolve("manifests/registry.ollama.ai/library").resolve(name)).resolve("test");
        Files.writeString(manifest, """
                {"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",
                 "config":{"mediaType":"application/vnd.docker.container.image.v1+json","digest":"sha256:%s","size":10},
                 "layers":[{"mediaType":"application/vnd.ollama.image.model","digest":"sha256:%s","size":%d}]}
                """.formatted("0".repeat(64), hex, Files.size(file)));
    }

    @Test
    void theLibrarySeesTheVisionTowerInsideAnOllamaBlob() throws Exception {
        Path ollama = dir.resolve("ollama");
        register(ollama, "tinyvision", MmprojFixtures.ollamaModel(FixtureModels.TINY, MmprojFixtures.SMALL));
        register(ollama, "tinytext", FixtureModels.f32(FixtureModels.TINY));
        ModelLibrary library = ModelLibrary.stores(new ModelStore(dir.resolve("home")), new OllamaStore(ollama));

        ModelLibrary.Entry vision = library.find("tinyvision:test").orElseThrow();
        assertThat(library.hasVision(vision)).isTrue();
        assertThat(library.mmproj(vision.path())).contains(vision.path());

        ModelLibrary.Entry text = library.find("tinytext:test").orElseThrow();
        assertThat(library.hasVision(text)).isFalse();
    }
}
