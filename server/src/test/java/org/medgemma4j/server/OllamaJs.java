package org.medgemma4j.server;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The `ollama` npm package (Ollama's own JavaScript client), installed once under target/ for the tests. */
final class OllamaJs {

    static final String VERSION = "0.6.4";

    private OllamaJs() {
    }

    /** The folder whose node_modules holds the client; skips the test when npm or node is absent. */
    static synchronized Path install() throws IOException, InterruptedException {
        assumeTrue(onPath("npm") && onPath("node"), "npm/node not found: the ollama JavaScript client test is skipped "
                + "(install Node.js; .ci/run does)");
        Path dir = Files.createDirectories(Path.of("target", "ollama-js").toAbsolutePath());
        Path installed = dir.resolve("node_modules/ollama/package.json");
        if (Files.isRegularFile(installed) && Files.readString(installed).contains("\"version\": \"" + VERSION + "\"")) {
            return dir;
        }
        Files.writeString(dir.resolve("package.json"), "{\"name\":\"medgemma4j-ollama-js-test\",\"private\":true,\"type\":\"module\"}");
        Process p = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--loglevel=error", "ollama@" + VERSION)
                .directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("npm install ollama@" + VERSION + " failed: " + out);
        }
        return dir;
    }

    private static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String d : path.split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }
}
