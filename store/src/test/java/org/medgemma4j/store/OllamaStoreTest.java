package org.medgemma4j.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medgemma4j.gguf.GgufFile;
import org.medgemma4j.model.Gemma3Config;
import org.medgemma4j.model.KvCache;
import org.medgemma4j.model.KvCacheType;
import org.medgemma4j.testing.FixtureModels;

class OllamaStoreTest {

    @TempDir
    Path dir;

    /** An Ollama store as `ollama pull medgemma:27b` leaves it, the blob being a fixture model (linked, not copied). */
    private Path ollamaStoreWith(String namespace, String name, String tag) throws Exception {
        Path root = dir.resolve("ollama");
        Path fixture = FixtureModels.f32(FixtureModels.TINY);
        // The real digest is the blob's SHA-256; the resolver does not re-hash, so a digest of the name keeps the test fast.
        String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(fixture.toString().getBytes()));
        Path blob = Files.createDirectories(root.resolve("blobs")).resolve("sha256-" + hex);
        Files.createSymbolicLink(blob, fixture);
        Path manifest = Files.createDirectories(root.resolve("manifests/registry.ollama.ai").resolve(namespace).resolve(name)).resolve(tag);
        Files.writeString(manifest, """
                {"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",
                 "config":{"mediaType":"application/vnd.docker.container.image.v1+json","digest":"sha256:%s","size":10},
                 "layers":[{"mediaType":"application/vnd.ollama.image.template","digest":"sha256:%s","size":358},
                           {"mediaType":"application/vnd.ollama.image.model","digest":"sha256:%s","size":%d}]}
                """.formatted("0".repeat(64), "1".repeat(64), hex, Files.size(fixture)));
        return blob;
    }

    @Test
    void anOllamaModelIsFoundByNameAndRuns() throws Exception {
        Path blob = ollamaStoreWith("library", "medgemma", "27b");
        ModelResolver resolver = new ModelResolver(new ModelStore(dir.resolve("home")), new OllamaStore(dir.resolve("ollama")));
        Path resolved = resolver.resolve("medgemma:27b");
        assertThat(resolved).isEqualTo(blob);
        try (GgufFile g = GgufFile.open(resolved); KvCache cache = new KvCache(Gemma3Config.from(g), 64, 8, KvCacheType.F16)) {
            assertThat(cache.byteSize()).isPositive();
        }
        assertThat(new OllamaStore(dir.resolve("ollama")).list()).singleElement()
                .satisfies(m -> assertThat(m.ref()).isEqualTo("medgemma:27b"));
        assertThatThrownBy(() -> resolver.resolve("medgemma:4b")).hasMessageContaining("unknown model 'medgemma:4b'");
    }

    @Test
    void latestIsTheDefaultTagAndBrokenManifestsAreClear() throws Exception {
        ollamaStoreWith("library", "medgemma", "latest");
        OllamaStore ollama = new OllamaStore(dir.resolve("ollama"));
        assertThat(ollama.find(new ModelRef.Named("medgemma", null))).isPresent();
        Files.writeString(dir.resolve("ollama/manifests/registry.ollama.ai/library/medgemma/latest"), "{\"layers\":[]}");
        assertThatThrownBy(() -> ollama.find(new ModelRef.Named("medgemma", null))).hasMessageContaining("has no model layer");
    }

    @Test
    void referencesParseAndBadOnesAreExplained() throws Exception {
        assertThat(ModelRef.parse("hf.co/unsloth/medgemma-27b-it-GGUF:q8_0"))
                .isEqualTo(new ModelRef.HfRepo("unsloth", "medgemma-27b-it-GGUF", "Q8_0"));
        assertThat(ModelRef.parse("hf.co/unsloth/medgemma-27b-it-GGUF"))
                .isEqualTo(new ModelRef.HfRepo("unsloth", "medgemma-27b-it-GGUF", "Q4_K_M"));
        assertThat(ModelRef.parse("unsloth/medgemma-4b-it-GGUF/medgemma-4b-it-Q4_K_M.gguf"))
                .isEqualTo(new ModelRef.HfFile("unsloth", "medgemma-4b-it-GGUF", "medgemma-4b-it-Q4_K_M.gguf"));
        assertThat(ModelRef.parse("medgemma-27b:Q8_0")).isEqualTo(new ModelRef.Named("medgemma-27b", "q8_0"));
        assertThat(ModelRef.parse(dir.toString())).isInstanceOf(ModelRef.LocalFile.class);
        assertThatThrownBy(() -> ModelRef.parse("missing.gguf")).hasMessageContaining("missing.gguf: no such file");
        assertThatThrownBy(() -> ModelRef.parse("what is this?")).hasMessageContaining("is not a model reference");
        ModelResolver r = new ModelResolver(new ModelStore(dir.resolve("home")), new OllamaStore(dir.resolve("none")));
        assertThatThrownBy(() -> r.resolve("medgemma-27b")).hasMessageContaining("not downloaded yet: run medgemma pull");
        assertThatThrownBy(() -> r.resolve("medgemma-27b:q9_k")).hasMessageContaining("unknown quantization 'q9_k'");
        assertThatThrownBy(() -> r.resolve("llama3")).hasMessageContaining("unknown model 'llama3'");
    }

    @Test
    void theResearchNoticeIsShownOnceForMedGemma() throws Exception {
        StringWriter err = new StringWriter();
        PrintWriter w = new PrintWriter(err);
        assertThat(ResearchNotice.showOnce("gemma-3-1b", dir, w)).isFalse();
        assertThat(ResearchNotice.showOnce("MedGemma 27B", dir, w)).isTrue();
        assertThat(ResearchNotice.showOnce("MedGemma 27B", dir, w)).isFalse();
        assertThat(err.toString()).contains("Health AI Developer Foundations").contains("physician").contains("research use only");
    }
}
