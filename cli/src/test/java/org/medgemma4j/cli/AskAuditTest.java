package org.medgemma4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medgemma4j.testing.FixtureModels;

/** ask --audit writes the same record as run: the model's SHA-256, the seed, hashes of question and answer. */
class AskAuditTest {

    @TempDir
    Path dir;

    @Test
    void anAnsweredQuestionIsAudited() throws Exception {
        Path doc = Files.writeString(dir.resolve("metformin.md"), "# Metformin and glycaemic control in type 2 diabetes\n\n"
                + "Metformin lowers HbA1c in type 2 diabetes by about one percentage point as monotherapy.\n");
        assertThat(CliRun.of("index", "add", "--index", dir.resolve("idx").toString(), doc.toString()).exitCode()).isZero();
        Path audit = dir.resolve("audit.jsonl");
        CliRun r = CliRun.of("ask", "-m", FixtureModels.quantized(FixtureModels.TINY, "Q8_0").toString(), "--index",
                dir.resolve("idx").toString(), "-n", "3", "--temp", "0", "-s", "42", "-t", "1", "--audit", audit.toString(),
                "Does metformin lower HbA1c in type 2 diabetes?");
        assertThat(r.exitCode()).as(r.err()).isZero();
        List<String> lines = Files.readAllLines(audit);
        assertThat(lines).hasSize(1);
        JsonNode rec = new ObjectMapper().readTree(lines.getFirst());
        assertThat(rec.get("command").asText()).isEqualTo("ask");
        assertThat(rec.get("model_sha256").asText()).hasSize(64);
        assertThat(rec.get("sampling").get("seed").asLong()).isEqualTo(42);
        assertThat(rec.has("prompt")).isFalse(); // text only with --audit-text
        assertThat(lines.getFirst()).doesNotContain("metformin");
    }
}
