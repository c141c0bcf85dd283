package org.medgemma4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medgemma4j.testing.FixtureModels;
import org.medgemma4j.structured.SchemaCheck;

/** {@code run --json-schema / --format json / --grammar} on random-weight fixtures, and their errors. */
class StructuredRunTest {

    static final String NOTE = "Extract the diagnoses: 72-year-old woman with COPD (J44.9) and atrial fibrillation (I48.91).";

    @TempDir
    Path dir;

    @Test
    void jsonSchemaAnswersValidateAcrossSeedsTemperaturesAndQuantizations() throws Exception {
        Path schema = Files.writeString(dir.resolve("schema.json"), SchemaCheck.EXTRACTION);
        Path[] models = {FixtureModels.f32(FixtureModels.TINY), FixtureModels.quantized(FixtureModels.TINY, "Q8_0")};
        String[] temperatures = {"0.6", "1.2"};
        for (int i = 0; i < 2; i++) {
            CliRun run = CliRun.of("run", "-m", models[i].toString(), "-t", "2", "--json-schema", schema.toString(), "-n", "400",
                    "--seed", Integer.toString(20 + i), "--temp", temperatures[i], NOTE);
            assertThat(run.exitCode()).as(run.err()).isZero();
            String answer = run.out().strip();
            assertThat(SchemaCheck.problems(SchemaCheck.EXTRACTION, answer)).as(answer).isEmpty();
        }
    }

    @Test
    void gbnfGrammarAndJsonFormat() throws Exception {
        Path model = FixtureModels.f32(FixtureModels.TINY);
        Path gbnf = Files.writeString(dir.resolve("dose.gbnf"), """
                # a dose: amount and unit
                root   ::= amount " " unit
                amount ::= [1-9] [0-9]{0,2}
                unit   ::= "mg" | "mcg" | "mL"
                """);
        CliRun run = CliRun.of("run", "-m", model.toString(), "-t", "2", "--grammar", gbnf.toString(), "--seed", "8", "Dose?");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out().strip()).matches("[1-9][0-9]{0,2} (mg|mcg|mL)");

        run = CliRun.of("run", "-m", model.toString(), "-t", "2", "--format", "json", "-n", "12", "--seed", "8", "JSON?");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out().strip()).startsWith("{");
    }

    @Test
    void unusableSchemasAndGrammarsAreOneLineErrors() throws Exception {
        String model = FixtureModels.f32(FixtureModels.TINY).toString();
        Path schema = Files.writeString(dir.resolve("bad.json"), "{\"type\": \"object\", \"properties\": {\"a\": {\"type\": \"string\", \"format\": \"hostname\"}}}");
        CliRun run = CliRun.of("run", "-m", model, "--json-schema", schema.toString(), "x");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().strip()).startsWith("medgemma: ").contains("'format'").contains("#/properties/a").doesNotContain("\n", "Exception");

        Path notJson = Files.writeString(dir.resolve("not.json"), "{type: object}");
        run = CliRun.of("run", "-m", model, "--json-schema", notJson.toString(), "x");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("not valid JSON");

        Path gbnf = Files.writeString(dir.resolve("bad.gbnf"), "root ::= item\n");
        run = CliRun.of("run", "-m", model, "--grammar", gbnf.toString(), "x");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("undefined rule 'item'");

        run = CliRun.of("run", "-m", model, "--format", "yaml", "x");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("--format takes 'json'");
    }
}
