package org.medgemma4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.medgemma4j.testing.FixtureModels;

/** chat as llama.cpp's and Ollama's users expect it: /help, unknown commands refused, Ctrl-C stops an answer only. */
class ChatCommandTest {

    private static final String MODEL = FixtureModels.quantized(FixtureModels.TINY, "Q8_0").toString();

    @Test
    void slashCommandsAreNeverSentToTheModel() {
        InputStream saved = System.in;
        System.setIn(new ByteArrayInputStream("/help\n/frobnicate now\nWhat is metformin?\n/clear\n/bye\n".getBytes(StandardCharsets.UTF_8)));
        try {
            CliRun r = CliRun.of("chat", "-m", MODEL, "-n", "4", "--temp", "0", "-t", "1", "-c", "256");
            assertThat(r.exitCode()).as(r.err()).isZero();
            assertThat(r.out()).contains("/clear").contains("/bye").contains("Ctrl-C stops an answer")
                    .contains("unknown command /frobnicate: /help lists the commands").contains("(new conversation)");
        } finally {
            System.setIn(saved);
        }
    }

    @Test
    void ctrlCStopsTheAnswerAndTheSessionGoesOn() throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process p = new ProcessBuilder(List.of(java, "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "chat", "-m", MODEL, "-n", "100000", "-c", "4096", "--temp", "1", "-s", "7", "-t", "1")).start();
        StringBuffer out = new StringBuffer();
        StringBuffer err = new StringBuffer();
        Thread.ofVirtual().start(() -> pump(p.getInputStream(), out));
        Thread.ofVirtual().start(() -> pump(p.getErrorStream(), err));
        try (OutputStream in = p.getOutputStream()) {
            await(() -> out.toString().startsWith("> "), p, out, err);
            in.write("Tell me everything about beta blockers.\n".getBytes(StandardCharsets.UTF_8));
            in.flush();
            await(() -> out.length() > 40, p, out, err); // the answer is streaming
            new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
            await(() -> err.toString().contains("(answer stopped)") && out.toString().endsWith("> "), p, out, err);
            assertThat(p.isAlive()).as("Ctrl-C must stop the answer, not the session").isTrue();
            in.write("/bye\n".getBytes(StandardCharsets.UTF_8));
            in.flush();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(err.toString()).isZero();
        } finally {
            p.destroyForcibly();
        }
    }

    private interface Condition {
        boolean holds();
    }

    private static void await(Condition c, Process p, StringBuffer out, StringBuffer err) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!c.holds()) {
            if (System.nanoTime() > deadline || !p.isAlive()) {
                throw new AssertionError("chat did not get there (alive " + p.isAlive() + ")\nstdout: " + out + "\nstderr: " + err);
            }
            Thread.sleep(20);
        }
    }

    private static void pump(InputStream in, StringBuffer sink) {
        byte[] buf = new byte[4096];
        try {
            for (int n; (n = in.read(buf)) > 0; ) {
                sink.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // the process ended
        }
    }
}
