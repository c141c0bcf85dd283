package org.medgemma4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medgemma4j.gguf.GgufValueType;
import org.medgemma4j.gguf.GgufWriter;
import org.medgemma4j.tensor.GgmlType;

class InspectCommandTest {

    @TempDir
    Path dir;

    private Path file;

    /** A tiny gemma3 file: enough hyperparameters for the model summary, a 300-token vocabulary. */
    @BeforeEach
    void writeModel() throws Exception {
        file = dir.resolve("tiny.gguf");
        String[] tokens = new String[300];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = "tok" + i;
        }
        new GgufWriter()
                .putString("general.architecture", "gemma3")
                .putString("general.name", "tiny")
                .putUInt32("gemma3.context_length", 256)
                .putUInt32("gemma3.embedding_length", 64)
                .putUInt32("gemma3.block_count", 2)
                .putUInt32("gemma3.feed_forward_length", 128)
                .putUInt32("gemma3.attention.head_count", 2)
                .putUInt32("gemma3.attention.head_count_kv", 1)
                .putUInt32("gemma3.attention.key_length", 32)
                .putUInt32("gemma3.attention.value_length", 32)
                .putUInt32("gemma3.attention.sliding_window", 16)
                .putUInt64("test.big", -1L)
                .putString("tokenizer.chat_template", "{{ bos_token }}\n" + "x".repeat(100))
                .putStrings("tokenizer.ggml.tokens", tokens)
                .put("tokenizer.ggml.add_bos_token", GgufValueType.BOOL, true)
                .addTensor("token_embd.weight", new long[] {64, 300}, new float[64 * 300])
                .addTensor("blk.0.attn_q.weight", GgmlType.Q8_0, new long[] {64, 64}, MemorySegment.ofArray(new byte[2 * 64 * 34]))
                .addTensor("blk.0.attn_norm.weight", new long[] {64}, new float[64])
                .write(file);
    }

    @Test
    void textListsMetadataTensorsAndTotals() {
        CliRun run = CliRun.of("inspect", file.toString());
        assertThat(run.err()).isEmpty();
        assertThat(run.exitCode()).isZero();
        assertThat(run.out())
                .contains("GGUF version 3, alignment 32")
                .contains("model: gemma3 'tiny': 2 layers, width 64, 2 heads / 1 KV heads of 32, feed-forward 128, context 256")
                .contains("* 15 metadata key/value pairs")
                .containsPattern("\\| +300 \\| tokenizer\\.ggml\\.tokens = \\['tok0', 'tok1', 'tok2', 'tok3', 'tok4', 'tok5', \\.\\.\\.\\]")
                .contains("test.big = 18446744073709551615")
                .contains("tokenizer.chat_template = '{{ bos_token }}\\nxxxx")
                .containsPattern("(?m)^ +0: f32 +\\| 64, 300 +\\| +76,800 \\| token_embd\\.weight$")
                .containsPattern("(?m)^ +1: q8_0 +\\| 64, 64 +\\| +4,352 \\| blk\\.0\\.attn_q\\.weight$")
                .containsPattern("(?m)^ +2: f32 +\\| 64 +\\| +256 \\| blk\\.0\\.attn_norm\\.weight$")
                .contains("* 23,360 parameters (23.36 K)")
                .containsPattern("(?m)^  f32 +\\| +2 \\| +19,264 \\| +77,056$")
                .containsPattern("(?m)^  q8_0 +\\| +1 \\| +4,096 \\| +4,352$");
    }

    @Test
    void jsonHoldsFullScalarsAndAbbreviatedArrays() throws Exception {
        CliRun run = CliRun.of("inspect", "--json", file.toString());
        assertThat(run.exitCode()).isZero();
        JsonNode j = new ObjectMapper().readTree(run.out());
        assertThat(j.get("version").asInt()).isEqualTo(3);
        assertThat(j.get("alignment").asInt()).isEqualTo(32);
        assertThat(j.get("file_size").asLong()).isEqualTo(Files.size(file));
        assertThat(j.get("total_parameters").asLong()).isEqualTo(23_360);

        JsonNode m = j.get("metadata");
        assertThat(m.get("general.name").get("value").asText()).isEqualTo("tiny");
        assertThat(m.get("gemma3.block_count").get("type").asText()).isEqualTo("UINT32");
        assertThat(m.get("test.big").get("value").bigIntegerValue()).hasToString("18446744073709551615");
        assertThat(m.get("tokenizer.chat_template").get("value").asText()).endsWith("x".repeat(100));
        assertThat(m.get("tokenizer.ggml.add_bos_token").get("value").asBoolean()).isTrue();
        JsonNode tokens = m.get("tokenizer.ggml.tokens");
        assertThat(tokens.get("type").asText()).isEqualTo("[STRING]");
        assertThat(tokens.get("count").asInt()).isEqualTo(300);
        assertThat(tokens.get("first")).hasSize(InspectJson.ARRAY_HEAD);
        assertThat(tokens.get("first").get(7).asText()).isEqualTo("tok7");

        JsonNode q = j.get("tensors").get(1);
        assertThat(q.get("index").asInt()).isEqualTo(1);
        assertThat(q.get("name").asText()).isEqualTo("blk.0.attn_q.weight");
        assertThat(q.get("type").asText()).isEqualTo("q8_0");
        assertThat(q.get("shape").toString()).isEqualTo("[64,64]");
        assertThat(q.get("bytes").asLong()).isEqualTo(4352);
        assertThat(j.get("types").get("f32").get("count").asInt()).isEqualTo(2);
        assertThat(j.get("types").get("q8_0").get("params").asLong()).isEqualTo(4096);

        JsonNode model = j.get("model");
        assertThat(model.get("layers").asInt()).isEqualTo(2);
        assertThat(model.get("width").asInt()).isEqualTo(64);
        assertThat(model.get("sliding_window").asInt()).isEqualTo(16);
        assertThat(model.get("vocabulary").asInt()).isEqualTo(300);
    }

    @Test
    void aCorruptFileIsOneLineOnStderrAndExitCode1() throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        Path bad = dir.resolve("broken.gguf");
        Files.write(bad, java.util.Arrays.copyOf(bytes, 100));
        for (String[] args : new String[][] {{"inspect", bad.toString()}, {"inspect", "--json", bad.toString()}}) {
            CliRun run = CliRun.of(args);
            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.out()).isEmpty();
            assertThat(run.err()).startsWith("medgemma: " + bad).contains("truncated")
                    .doesNotContain("Exception").doesNotContain("at org.");
            assertThat(run.err().strip().lines()).hasSize(1);
        }
    }

    @Test
    void aMissingFileIsOneLineOnStderrAndExitCode1() {
        CliRun run = CliRun.of("inspect", dir.resolve("nope.gguf").toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("medgemma: " + dir.resolve("nope.gguf") + ": no such file" + System.lineSeparator());
    }
}
