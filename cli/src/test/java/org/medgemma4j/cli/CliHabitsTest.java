package org.medgemma4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medgemma4j.store.DefaultModel;
import org.medgemma4j.store.ModelStore;
import org.medgemma4j.store.OllamaStore;
import org.medgemma4j.testing.FixtureModels;

/** The habits llama.cpp and Ollama users bring: short flags, -ngl, prompts from stdin or a file, a default model. */
class CliHabitsTest {

    private static final String MODEL = FixtureModels.quantized(FixtureModels.TINY, "Q8_0").toString();

    @TempDir
    Path dir;

    private static CliRun withStdin(String input, String... args) {
        InputStream saved = System.in;
        System.setIn(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
        try {
            return CliRun.of(args);
        } finally {
            System.setIn(saved);
        }
    }

    @Test
    void runTakesItsPromptFromStdinOrAFileAsFromTheArgument() throws Exception {
        String[] common = {"run", "-m", MODEL, "-n", "6", "--temp", "0", "-s", "1", "-c", "256", "-b", "16", "-t", "1"};
        CliRun direct = CliRun.of(concat(common, "What is metformin?"));
        assertThat(direct.exitCode()).as(direct.err()).isZero();
        CliRun dash = withStdin("What is metformin?", concat(common, "-"));
        CliRun piped = withStdin("What is metformin?", common);
        Path prompt = Files.writeString(dir.resolve("prompt.txt"), "What is metformin?");
        CliRun file = CliRun.of(concat(common, "-f", prompt.toString()));
        assertThat(dash.out()).isEqualTo(direct.out());
        assertThat(piped.out()).isEqualTo(direct.out());
        assertThat(file.out()).isEqualTo(direct.out());
        assertThat(CliRun.of(concat(common, "-f", prompt.toString(), "also")).err()).contains("not both");
        assertThat(withStdin("  ", concat(common, "-")).err()).contains("empty");
    }

    @Test
    void ngl99IsAcceptedAndExplained() {
        CliRun r = CliRun.of("run", "-m", MODEL, "-ngl", "99", "-n", "2", "--temp", "0", "-t", "1", "Hi");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).contains("-ngl 99 ignored").contains("CPU");
    }

    @Test
    void serveAndFitTakeTheSameContextAndBatchFlagsAsRun() {
        CliRun fit = CliRun.of("fit", MODEL, "-c", "512", "-b", "32", "--kv-type", "q8_0");
        assertThat(fit.exitCode()).as(fit.err()).isZero();
        assertThat(fit.out()).contains("at 512 tokens");
        assertThat(CliRun.of("fit", MODEL, "--ctx", "512").exitCode()).isZero(); // the old spelling still works
        assertThat(Main.commandLine().getSubcommands().get("serve").getCommandSpec().findOption("-c")).isNotNull();
        assertThat(Main.commandLine().getSubcommands().get("serve").getCommandSpec().findOption("--batch-size")).isNotNull();
    }

    @Test
    void withoutAModelTheDefaultIsUsedOrTheUserIsToldHowToGetOne() throws Exception {
        DefaultModel none = new DefaultModel(new ModelStore(dir.resolve("empty")), new OllamaStore(dir.resolve("no-ollama")));
        assertThat(org.assertj.core.api.Assertions.catchThrowable(none::choose)).hasMessageContaining("medgemma pull medgemma-4b");

        DefaultModel configured = new DefaultModel(new ModelStore(dir.resolve("home")), new OllamaStore(dir.resolve("no-ollama")));
        configured.set(MODEL);
        assertThat(configured.choose()).isEqualTo(MODEL);
        configured.set(null);
        assertThat(configured.configured()).isEmpty();

        // the CLI's own store (MEDGEMMA_HOME in target/): set, used by run without -m, then unset
        assertThat(CliRun.of("config", "default-model", MODEL).exitCode()).isZero();
        try {
            assertThat(CliRun.of("config", "default-model").out().strip()).isEqualTo(MODEL);
            CliRun r = CliRun.of("run", "-n", "2", "--temp", "0", "-t", "1", "Hi");
            assertThat(r.exitCode()).as(r.err()).isZero();
            assertThat(CliRun.of("config", "default-model", dir.resolve("missing.gguf").toString()).exitCode()).isEqualTo(1);
        } finally {
            CliRun.of("config", "default-model", "--unset");
        }
    }

    @Test
    void aContextThatCannotFitIsOneLineBeforeAnythingIsAllocated() {
        CliRun r = CliRun.of("run", "-m", MODEL, "-c", "1024", "--max-memory", "50M", "-t", "1", "Hi");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).startsWith("medgemma: a context of 1024 tokens with a f16 KV cache needs")
                .contains("but 50 MB is available (--max-memory 50M)").contains("the model and its buffers alone need");
        assertThat(r.err()).doesNotContain("OutOfMemoryError").doesNotContain("\tat ");
        CliRun enough = CliRun.of("run", "-m", MODEL, "-c", "1024", "--max-memory", "200M", "-n", "2", "--temp", "0", "-t", "1", "Hi");
        assertThat(enough.exitCode()).as(enough.err()).isZero();
        CliRun serve = CliRun.of("serve", "-m", MODEL, "--parallel", "64", "-c", "1024", "--max-memory", "100M", "--port", "0");
        assertThat(serve.exitCode()).as(serve.err()).isEqualTo(1);
        assertThat(serve.err()).startsWith("medgemma: 64 contexts of 1024 tokens").containsPattern("at most \\d+ tokens fit per slot: use -c \\d+");
        assertThat(CliRun.of("run", "-m", MODEL, "--max-memory", "lots", "Hi").err()).contains("'lots' is not a memory size");
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
