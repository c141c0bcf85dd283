package org.medgemma4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medgemma4j.embed.EmbeddingModel;
import org.medgemma4j.embed.EmbeddingPrompt;
import org.medgemma4j.testing.EmbeddingFixtures;

/** {@code medgemma embed} and {@code index add/search --embed-model} on the EmbeddingGemma fixture. */
class EmbedCommandTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void embedPrintsTheQueryPromptsUnitVectorAtTheAskedSize() throws Exception {
        Path file = EmbeddingFixtures.f32(EmbeddingFixtures.TINY);
        CliRun run = CliRun.of("embed", "-m", file.toString(), "-t", "2", "--query", "--dim", "128", "--json", "statins", "and", "mortality");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode r = JSON.readTree(run.out());
        assertThat(r.get("embedding")).hasSize(128);
        assertThat(r.get("dimensions").asInt()).isEqualTo(128);
        try (EmbeddingModel m = EmbeddingModel.open(file, 2)) {
            float[] expected = m.embed(EmbeddingPrompt.query("statins and mortality"), 128);
            for (int i = 0; i < 128; i++) {
                assertThat(r.get("embedding").get(i).floatValue()).isCloseTo(expected[i], Offset.offset(1e-7f));
            }
            assertThat(r.get("tokens").asInt()).isEqualTo(m.tokenize(EmbeddingPrompt.query("statins and mortality")).length);
        }
        CliRun bare = CliRun.of("embed", "-m", file.toString(), "-t", "2", "hello");
        assertThat(JSON.readTree(bare.out()).fieldNames()).toIterable().containsExactly("embedding");
    }

    @Test
    void aLanguageModelOrAMisplacedTitleIsAClearError() throws Exception {
        CliRun wrong = CliRun.of("embed", "-m", org.medgemma4j.testing.FixtureModels.f32(org.medgemma4j.testing.FixtureModels.TINY).toString(), "x");
        assertThat(wrong.exitCode()).isNotZero();
        assertThat(wrong.err()).contains("this needs a gemma-embedding model");
        CliRun title = CliRun.of("embed", "-m", EmbeddingFixtures.f32(EmbeddingFixtures.TINY).toString(), "--query", "--title", "T", "x");
        assertThat(title.exitCode()).isNotZero();
        assertThat(title.err()).contains("--title goes with --document");
    }

    @Test
    void indexAddAndSearchWithAnEmbeddingModelAreHybrid(@TempDir Path dir) throws Exception {
        String model = EmbeddingFixtures.f32(EmbeddingFixtures.TINY).toString();
        Path doc = dir.resolve("note.md");
        Files.writeString(doc, "# Statins after myocardial infarction\n\nSimvastatin reduced total mortality in coronary heart disease.\n");
        Path other = dir.resolve("other.md");
        Files.writeString(other, "# Asthma inhalers\n\nInhaled corticosteroids reduce exacerbations.\n");
        Path index = dir.resolve("idx");
        CliRun add = CliRun.of("index", "add", "--index", index.toString(), "--embed-model", model, "--embed-dim", "256",
                "--embed-threads", "2", doc.toString(), other.toString());
        assertThat(add.exitCode()).as(add.err()).isZero();
        CliRun stats = CliRun.of("index", "stats", "--index", index.toString(), "--json");
        assertThat(stats.out()).contains("256");
        CliRun search = CliRun.of("search", "--index", index.toString(), "--embed-model", model, "--embed-dim", "256",
                "--embed-threads", "2", "--json", "simvastatin mortality");
        assertThat(search.exitCode()).as(search.err()).isZero();
        JsonNode hits = JSON.readTree(search.out()).get("hits");
        assertThat(hits).hasSize(2); // the vector side brings the other note too
        assertThat(hits.get(0).get("title").asText()).isEqualTo("Statins after myocardial infarction");
        CliRun otherSize = CliRun.of("search", "--index", index.toString(), "--embed-model", model, "--embed-dim", "128", "x");
        assertThat(otherSize.exitCode()).isNotZero();
        assertThat(otherSize.err()).contains("256 dims");
        CliRun withoutModel = CliRun.of("index", "add", "--index", index.toString(), doc.toString());
        assertThat(withoutModel.exitCode()).isNotZero();
        assertThat(withoutModel.err()).contains("add files with --embed-model");
    }
}
