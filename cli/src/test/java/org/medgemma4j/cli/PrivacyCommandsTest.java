package org.medgemma4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medgemma4j.store.data.DataSet;
import org.medgemma4j.store.data.TestData;
import org.medgemma4j.testing.FixtureModels;

/** deid (redaction, JSON spans, the gold-corpus evaluation) and the audit log of run. */
class PrivacyCommandsTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String NOTE = "Seen by Dr. Healey on 7/22/2019 \u2014 caf\u00e9 owner, MRN 4429183, call 617-555-0100. "
            + "Lasix 40 mg IV, K 4.2.\n";

    @TempDir
    Path tmp;

    @Test
    void deidJsonGivesCodePointOffsetsIntoTheInput() throws Exception {
        Path note = tmp.resolve("note.txt");
        Files.writeString(note, "\uD83D\uDE00 " + NOTE, StandardCharsets.UTF_8);
        CliRun run = CliRun.of("deid", "--json", note.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode line = JSON.readTree(run.out().strip());
        assertThat(line.get("file").asText()).isEqualTo(note.toString());
        String redacted = line.get("text").asText();
        assertThat(redacted).contains("[NAME]", "[DATE]", "[ID]", "[PHONE]", "Lasix 40 mg IV, K 4.2")
                .doesNotContain("Healey", "4429183");
        int[] cps = ("\uD83D\uDE00 " + NOTE).codePoints().toArray();
        JsonNode first = line.get("spans").get(0);
        String covered = new String(cps, first.get("start").asInt(), first.get("end").asInt() - first.get("start").asInt());
        assertThat(covered).isEqualTo("Healey");
        assertThat(first.get("category").asText()).isEqualTo("NAME");
    }

    @Test
    void surrogateModeAndBadInput() throws Exception {
        Path note = tmp.resolve("n.txt");
        Files.writeString(note, NOTE);
        CliRun run = CliRun.of("deid", "--mode", "surrogate", "--key", "k", note.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).doesNotContain("Healey", "7/22/2019", "4429183").contains("Lasix 40 mg");
        assertThat(CliRun.of("deid", "--mode", "shred", note.toString()).err()).contains("--mode must be redact, surrogate or spans");
        assertThat(CliRun.of("deid").err()).contains("give one or more FILEs");
        assertThat(CliRun.of("deid", tmp.resolve("absent.txt").toString()).err()).contains("absent.txt: no such file");
    }

    @Test
    void evaluatePhysionetPrintsRecallAndPrecision() throws Exception {
        Path dir = TestData.require(DataSet.DEID);
        CliRun run = CliRun.of("deid", "--evaluate-physionet", dir.toString(), "--json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode o = JSON.readTree(run.out().strip());
        assertThat(o.get("recall").asDouble()).isGreaterThan(0.9);
        assertThat(o.get("precision").asDouble()).isGreaterThan(0.5);
        assertThat(o.get("per_category").get("HCPName").get("recall").asDouble()).isGreaterThan(0.9);
        assertThat(o.get("held_out_patients_52_on").get("recall").asDouble()).isGreaterThan(0.85);
        assertThat(o.get("notes_per_second").asDouble()).isPositive();
    }

    @Test
    void theAuditLogNamesModelAndSeedAndTheSeedReproducesTheAnswer() throws Exception {
        Path model = FixtureModels.quantized(FixtureModels.TINY, "Q8_0");
        Path log = tmp.resolve("audit.jsonl");
        String prompt = "Summarise: Mrs. Gaudreau, 7/22/2019, seen by Dr. Healey, phone 617-555-0100.";
        List<String> args = List.of("run", "-m", model.toString(), "-t", "2", "-n", "8", "--seed", "1234",
                "--audit", log.toString(), "--audit-text", "--deid", prompt);
        CliRun first = CliRun.of(args.toArray(String[]::new));
        assertThat(first.exitCode()).as(first.err()).isZero();
        CliRun second = CliRun.of(args.toArray(String[]::new));
        assertThat(second.out()).isEqualTo(first.out());

        List<String> lines = Files.readAllLines(log);
        assertThat(lines).hasSize(2);
        JsonNode rec = JSON.readTree(lines.getFirst());
        assertThat(rec.get("command").asText()).isEqualTo("run");
        assertThat(rec.get("model_sha256").asText()).isEqualTo(sha256(model));
        assertThat(rec.get("quantization").asText()).isEqualTo("Q8_0");
        assertThat(rec.get("sampling").get("seed").asLong()).isEqualTo(1234);
        assertThat(rec.get("sampling").get("top_k").asInt()).isEqualTo(64);
        assertThat(rec.get("prompt_sha256").asText()).isEqualTo(HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(prompt.getBytes(StandardCharsets.UTF_8))));
        assertThat(rec.get("answer_sha256").asText()).hasSize(64);
        assertThat(rec.get("prompt").asText()).contains("[NAME]", "[DATE]", "[PHONE]");
        assertThat(Files.readString(log)).doesNotContain("Gaudreau", "Healey", "7/22/2019", "617-555-0100");
    }

    @Test
    void auditTextNeedsAnAuditFile() {
        CliRun run = CliRun.of("run", "-m", "whatever.gguf", "--audit-text", "hi");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("--audit-text needs --audit FILE");
    }

    private static String sha256(Path f) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
    }
}
