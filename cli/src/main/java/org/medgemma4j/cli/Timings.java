package org.medgemma4j.cli;

import java.io.PrintWriter;
import java.util.Locale;
import org.medgemma4j.generate.GenerationResult;

/** llama.cpp-style timing lines. */
final class Timings {

    private Timings() {
    }

    static void print(PrintWriter err, GenerationResult r) {
        int evaluated = r.promptTokens() - r.reusedTokens();
        err.printf(Locale.ROOT, "prompt: %d tokens (%d reused), %.2f tok/s%n", r.promptTokens(), r.reusedTokens(),
                r.promptNanos() == 0 ? 0 : evaluated * 1e9 / r.promptNanos());
        err.printf(Locale.ROOT, "generated: %d tokens, %.2f tok/s, stopped by %s%n", r.tokens().length,
                r.tokensPerSecond(), r.reason().name().toLowerCase(Locale.ROOT));
        err.printf(Locale.ROOT, "kernels: %s%n", org.medgemma4j.tensor.KernelChoice.current().describe());
        err.flush();
    }
}
