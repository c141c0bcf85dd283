package org.medgemma4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medgemma4j.testing.FixtureModels;

/** eval and drift wired end to end: options, backends, the --out file and the JSON lines. */
class EvalCommandsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private Path medqa(int n) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("data/medqa"));
        List<String> lines = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            lines.add("{\"question\":\"Question " + k + "?\",\"options\":{\"A\":\"a" + k + "\",\"B\":\"b" + k + "\",\"C\":\"c" + k
                    + "\",\"D\":\"d" + k + "\"},\"answer_idx\":\"" + (k % 2 == 0 ? "B" : "C") + "\"}");
        }
        Files.write(dir.resolve("test-us-4options.jsonl"), lines, StandardCharsets.UTF_8);
        return dir.getParent();
    }

    @Test
    void evalAgainstAnOpenAiServerPrintsTheSummaryLine() throws Exception {
        Path data = medqa(5);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        // always "B": right on even items; the third item gets an unreadable reply
        server.createContext("/v1/chat/completions", ex -> {
            String q = JSON.readTree(ex.getRequestBody()).path("messages").path(0).path("content").asText();
            String reply = q.contains("Question 2?") ? "I would rather not say." : "The answer is **B**.";
            byte[] b = JSON.writeValueAsBytes(JSON.createObjectNode().set("choices", JSON.createArrayNode().add(
                    JSON.createObjectNode().set("message", JSON.createObjectNode().put("role", "assistant").put("content", reply)))));
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        server.start();
        try {
            Path out = tmp.resolve("a.jsonl");
            CliRun run = CliRun.of("eval", "--task", "medqa", "--data", data.toString(), "--url",
                    "http://127.0.0.1:" + server.getAddress().getPort() + "/v1", "-m", "medgemma-27b-text-it", "--parallel", "2",
                    "--out", out.toString(), "--json");
            assertThat(run.exitCode()).as(run.err()).isZero();
            JsonNode s = JSON.readTree(run.out());
            assertThat(s.get("n").asInt()).isEqualTo(5);
            assertThat(s.get("correct").asInt()).isEqualTo(2); // items 0 and 4; item 2 unreadable
            assertThat(s.get("unparsed").asInt()).isEqualTo(1);
            assertThat(s.get("ci95").size()).isEqualTo(2);
            assertThat(s.get("model_card").get("accuracy").asDouble()).isEqualTo(0.877);
            assertThat(Files.readAllLines(out)).hasSize(5);

            // the same file against itself: nothing flips
            CliRun flips = CliRun.of("drift", "--answers", out.toString(), out.toString(), "--json");
            assertThat(flips.exitCode()).as(flips.err()).isZero();
            assertThat(JSON.readTree(flips.out()).get("changed").asInt()).isZero();
        } finally {
            server.stop(0);
        }
    }

    @Test
    void withDeidTheRemoteServerNeverSeesThePatientsDetails() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("phi/medqa"));
        Files.writeString(dir.resolve("test-us-4options.jsonl"), "{\"question\":\"Mr. John Smith, seen at Massachusetts General "
                + "Hospital on 03/14/2024 (MRN 8812345, phone 617-555-0199), has a HbA1c of 8.1% on metformin 500 mg. "
                + "What next?\",\"options\":{\"A\":\"add insulin\",\"B\":\"add sitagliptin\",\"C\":\"stop metformin\","
                + "\"D\":\"no change\"},\"answer_idx\":\"B\"}\n");
        List<String> received = java.util.Collections.synchronizedList(new ArrayList<>());
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/chat/completions", ex -> {
            received.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] b = JSON.writeValueAsBytes(JSON.createObjectNode().set("choices", JSON.createArrayNode().add(
                    JSON.createObjectNode().set("message", JSON.createObjectNode().put("role", "assistant").put("content", "B")))));
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        server.start();
        try {
            CliRun run = CliRun.of("eval", "--task", "medqa", "--data", dir.getParent().toString(), "--url",
                    "http://127.0.0.1:" + server.getAddress().getPort() + "/v1", "-m", "remote", "--deid", "--json");
            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(received).hasSize(1);
            assertThat(received.getFirst()).doesNotContain("John").doesNotContain("Smith").doesNotContain("03/14/2024")
                    .doesNotContain("8812345").doesNotContain("617-555-0199").doesNotContain("Massachusetts General")
                    .contains("metformin 500 mg").contains("8.1%").contains("[NAME]");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void loglikModeRunsEmbeddedAndResumes() throws Exception {
        Path data = medqa(3);
        Path model = FixtureModels.f32(FixtureModels.TINY);
        Path out = tmp.resolve("loglik.jsonl");
        CliRun first = CliRun.of("eval", "--task", "medqa", "--data", data.toString(), "-m", model.toString(), "-t", "2",
                "--mode", "loglik", "--limit", "2", "--out", out.toString(), "--json");
        assertThat(first.exitCode()).as(first.err()).isZero();
        CliRun all = CliRun.of("eval", "--task", "medqa", "--data", data.toString(), "-m", model.toString(), "-t", "2",
                "--mode", "loglik", "--out", out.toString(), "--json");
        assertThat(all.exitCode()).as(all.err()).isZero();
        JsonNode s = JSON.readTree(all.out());
        assertThat(s.get("n").asInt()).isEqualTo(3);
        assertThat(s.get("resumed").asInt()).isEqualTo(2);
        assertThat(s.get("unparsed").asInt()).isZero(); // log-likelihood always chooses
        assertThat(Files.readAllLines(out)).hasSize(3).allSatisfy(l -> assertThat(l).contains("\"raw\":\"A="));
    }

    @Test
    void badRequestsGetOneLine() throws Exception {
        Path data = medqa(1);
        CliRun run = CliRun.of("eval", "--task", "usmle", "-m", "x");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("unknown task 'usmle'");
        run = CliRun.of("eval", "--task", "medqa", "--data", data.toString(), "--url", "http://127.0.0.1:1", "-m", "x", "--mode", "loglik");
        assertThat(run.err()).contains("--mode loglik needs the embedded engine");
        run = CliRun.of("drift", "--base", "a.gguf");
        assertThat(run.err()).contains("drift needs --base, --quant and --text");
    }
}
