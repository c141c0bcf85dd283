package org.medgemma4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medgemma4j.generate.LoadedModel;
import org.medgemma4j.privacy.audit.AnswerAudit;
import org.medgemma4j.privacy.audit.AuditLog;
import org.medgemma4j.server.MedgemmaServer;
import org.medgemma4j.server.Origins;
import org.medgemma4j.server.ServerConfig;
import org.medgemma4j.testing.FixtureModels;

/**
 * serve --audit: one line per answer on every API, as run --audit writes it (the model's SHA-256, settings and
 * seed, hashes of the prompt the model read and of the answer the client got), texts only with --audit-text and
 * then de-identified under --deid; every line written by the time the audit writer closes.
 */
class ServeAuditTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NOTE = "Mr. John Smith (MRN 8812345) was seen on 03/14/2024; call 617-555-0199. Summarise.";

    @TempDir
    Path tmp;

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static HttpResponse<String> post(int port, String path, String body) throws Exception {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Serves the tiny fixture with an audit writer on {@code log}, asks one Ollama and one OpenAI question. */
    private List<String> serveAndAsk(Path log, boolean withText, boolean deid, List<String> answers) throws Exception {
        Path model = FixtureModels.quantized(FixtureModels.TINY, "Q8_0");
        StringWriter errors = new StringWriter();
        UnaryOperator<String> scrubber = deid ? DeidScrubber.standard() : UnaryOperator.identity();
        try (ServeAudit audit = new ServeAudit(new AnswerAudit(new AuditLog(log), withText, deid, scrubber,
                     tmp.resolve("home")), new PrintWriter(errors));
             LoadedModel m = LoadedModel.open(model, 1);
             MedgemmaServer server = MedgemmaServer.start(m, new ServerConfig("tiny", "127.0.0.1", 0, 1, 512, 32, 2, null,
                     64 * 1024, false, Origins.withDefaults(List.of()), scrubber, 0, audit))) {
            HttpResponse<String> gen = post(server.port(), "/api/generate", "{\"model\":\"tiny\",\"stream\":false,\"raw\":true,"
                    + "\"prompt\":\"" + NOTE + "\",\"options\":{\"temperature\":0.7,\"seed\":42,\"num_predict\":6}}");
            assertThat(gen.statusCode()).as(gen.body()).isEqualTo(200);
            answers.add(JSON.readTree(gen.body()).get("response").asText());
            HttpResponse<String> chat = post(server.port(), "/v1/chat/completions", "{\"model\":\"tiny\",\"max_tokens\":4,"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"" + NOTE + "\"}]}");
            assertThat(chat.statusCode()).as(chat.body()).isEqualTo(200);
            answers.add(JSON.readTree(chat.body()).at("/choices/0/message/content").asText());
        }
        assertThat(errors.toString()).isEmpty();
        return Files.readAllLines(log);
    }

    @Test
    void everyAnswerGetsALineThatNamesModelSettingsAndHashes() throws Exception {
        Path log = tmp.resolve("audit.jsonl");
        List<String> answers = new java.util.ArrayList<>();
        List<String> lines = serveAndAsk(log, false, false, answers);
        assertThat(lines).hasSize(2);
        Path model = FixtureModels.quantized(FixtureModels.TINY, "Q8_0");
        JsonNode gen = JSON.readTree(lines.get(0));
        assertThat(gen.get("command").asText()).isEqualTo("serve");
        assertThat(gen.get("model_sha256").asText()).isEqualTo(sha256(Files.readAllBytes(model)));
        assertThat(gen.get("quantization").asText()).isEqualTo("Q8_0");
        assertThat(gen.get("sampling").get("seed").asLong()).isEqualTo(42);
        assertThat(gen.get("sampling").get("temperature").asDouble()).isEqualTo(0.7, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(gen.get("sampling").get("max_tokens").asInt()).isEqualTo(6);
        // the raw prompt is what the model read (after BOS), and the answer what the client got
        assertThat(gen.get("answer_sha256").asText()).isEqualTo(sha256(answers.get(0).getBytes(StandardCharsets.UTF_8)));
        assertThat(gen.get("answer_tokens").asInt()).isPositive().isLessThanOrEqualTo(6);
        JsonNode chat = JSON.readTree(lines.get(1));
        assertThat(chat.get("answer_sha256").asText()).isEqualTo(sha256(answers.get(1).getBytes(StandardCharsets.UTF_8)));
        assertThat(chat.get("prompt_sha256").asText()).hasSize(64).isNotEqualTo(gen.get("prompt_sha256").asText());
        // hashes only: no text without --audit-text
        assertThat(chat.has("prompt")).isFalse();
        assertThat(Files.readString(log)).doesNotContain("Smith").doesNotContain("8812345");
    }

    @Test
    void withTextUnderDeidNoPatientDetailsReachTheFile() throws Exception {
        Path plainLog = tmp.resolve("plain.jsonl");
        serveAndAsk(plainLog, true, false, new java.util.ArrayList<>());
        assertThat(Files.readString(plainLog)).contains("John Smith"); // the test can see a leak when there is one

        Path log = tmp.resolve("deid.jsonl");
        List<String> lines = serveAndAsk(log, true, true, new java.util.ArrayList<>());
        assertThat(lines).hasSize(2);
        for (String line : lines) {
            JsonNode rec = JSON.readTree(line);
            assertThat(rec.get("deid").asBoolean()).isTrue();
            assertThat(rec.get("prompt").asText()).contains("[NAME]").contains("Summarise");
        }
        // the chat template's markup stays as it is: only the text between control tokens is de-identified
        assertThat(JSON.readTree(lines.get(1)).get("prompt").asText()).startsWith("<bos><start_of_turn>user\n")
                .contains("<end_of_turn>\n<start_of_turn>model");
        for (String phi : List.of("John", "Smith", "8812345", "03/14/2024", "617-555-0199")) {
            assertThat(Files.readString(log)).doesNotContain(phi);
        }
    }

    @Test
    void anAuditFileThatCannotBeWrittenIsRefusedBeforeAnythingLoads() throws Exception {
        Path folder = Files.createDirectories(tmp.resolve("a-folder"));
        for (String command : List.of("serve", "run")) {
            CliRun run = command.equals("serve")
                    ? CliRun.of("serve", "-m", "whatever.gguf", "--audit", folder.toString())
                    : CliRun.of("run", "-m", "whatever.gguf", "--audit", folder.toString(), "hi");
            assertThat(run.exitCode()).as(command).isEqualTo(1);
            // the file check comes first: the missing model is never reached
            assertThat(run.err()).as(command).contains("--audit " + folder).contains("is a folder").doesNotContain("whatever.gguf");
        }
        Path fresh = tmp.resolve("new/dir/audit.jsonl");
        CliRun run = CliRun.of("run", "-m", tmp.resolve("missing.gguf").toString(), "--audit", fresh.toString(), "hi");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(fresh).exists().isEmptyFile(); // created, nothing written: the run failed on its model
    }

    @Test
    void auditTextNeedsAnAuditFile() {
        CliRun run = CliRun.of("serve", "-m", "whatever.gguf", "--audit-text");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("--audit-text needs --audit FILE");
    }
}
