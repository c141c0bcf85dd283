package org.medgemma4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medgemma4j.testing.FixtureModels;
import org.medgemma4j.testing.Logits;
import org.medgemma4j.testing.LlamaOracle;

/** run, chat, generate and logits on the tiny fixture, the exact forms checked against llama.cpp. */
class GenerationCommandsTest {

    static final Path MODEL = FixtureModels.f32(FixtureModels.TINY);

    @TempDir
    Path dir;

    @Test
    void generateJsonEqualsLlamaCppsGreedyContinuation() throws Exception {
        int[] prompt = Logits.probeSequence(12);
        CliRun run = CliRun.of("generate", "-m", MODEL.toString(), "-t", "2", "--ids", Logits.csv(prompt), "-n", "24",
                "--temperature", "0", "--ignore-eos", "--json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(run.out());
        int[] expected = LlamaOracle.generate(MODEL, prompt, 24);
        assertThat(new ObjectMapper().convertValue(json.get("ids"), int[].class)).containsExactly(expected);
        assertThat(json.get("text").asText()).isNotEmpty();
    }

    @Test
    void logitsRowsMatchLlamaCppsLogitsAll() throws Exception {
        int[] ids = Logits.probeSequence(20);
        Path ours = dir.resolve("ours.f32");
        CliRun run = CliRun.of("logits", "-m", MODEL.toString(), "--ids", Logits.csv(ids), "--out", ours.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(Files.size(ours)).isEqualTo(20L * 262144 * 4);
        Logits mine = Logits.read(ours, 262144);
        Logits oracle = Logits.fromOracle(MODEL, ids, 262144);
        assertThat(mine.relativeRmsError(oracle)).isLessThan(0.002);
        JsonNode summary = new ObjectMapper().readTree(run.out());
        assertThat(summary.get("positions").asInt()).isEqualTo(20);
        // the summary's top token is the last row's argmax, with its logit
        float[] lastRow = mine.rows()[19];
        int argmax = Logits.argmax(lastRow);
        assertThat(summary.get("top5_last").get(0).get(0).asInt()).isEqualTo(argmax);
        assertThat((float) summary.get("top5_last").get(0).get(1).asDouble()).isEqualTo(lastRow[argmax]);
    }

    @Test
    void runStreamsAnAnswerAndChatHoldsAConversation() throws Exception {
        CliRun run = CliRun.of("run", "-m", MODEL.toString(), "-n", "8", "--seed", "3", "--ignore-eos-free-placeholder");
        assertThat(run.exitCode()).isNotZero(); // unknown options are usage errors
        run = CliRun.of("run", "-m", MODEL.toString(), "-n", "8", "--seed", "3", "-v", "What is HbA1c?");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isNotBlank();
        assertThat(run.err()).contains("generated:");

        InputStream stdin = System.in;
        try {
            System.setIn(new ByteArrayInputStream("Hello\nAnd then?\n/bye\n".getBytes(StandardCharsets.UTF_8)));
            CliRun chat = CliRun.of("chat", "-m", MODEL.toString(), "-n", "6", "--seed", "1", "-v", "--system", "Be brief.");
            assertThat(chat.exitCode()).as(chat.err()).isZero();
            // the second answer reused the whole first exchange from the KV cache
            assertThat(chat.err()).containsPattern("prompt: \\d+ tokens \\(0 reused\\)")
                    .containsPattern("prompt: \\d+ tokens \\([1-9]\\d* reused\\)");
        } finally {
            System.setIn(stdin);
        }
    }

    @Test
    void aPromptLongerThanTheContextIsAClearError() {
        CliRun run = CliRun.of("generate", "-m", MODEL.toString(), "-c", "16", "--ids", Logits.csv(Logits.probeSequence(20)));
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("medgemma: the prompt has 20 tokens but the context holds 16").doesNotContain("Exception");
    }

    @Test
    void aModelOfAnotherArchitectureIsRefusedByName() throws Exception {
        Path other = dir.resolve("llama.gguf");
        new org.medgemma4j.gguf.GgufWriter().putString("general.architecture", "llama").write(other);
        CliRun run = CliRun.of("run", "-m", other.toString(), "hi");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("llama.gguf").contains("architecture is llama").doesNotContain("Exception");
    }
}
