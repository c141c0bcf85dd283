package org.medgemma4j.cli;

import java.io.PrintWriter;
import org.medgemma4j.generate.GenerationResult;
import org.medgemma4j.generate.TokenStream;
import picocli.CommandLine.Option;

/** How run and chat present an answer: the system prompt, the thinking block, timings. */
final class AnswerOptions {

    @Option(names = "--system", paramLabel = "TEXT", description = "a system prompt")
    String system;

    @Option(names = "--show-thinking", description = "print MedGemma's thinking block (to stderr)")
    boolean showThinking;

    @Option(names = {"-v", "--verbose"}, description = "print timings to stderr after each answer")
    boolean verbose;

    /** Prints the answer as it comes, the thinking block too when asked. */
    TokenStream stream(PrintWriter out, PrintWriter err) {
        return Streams.printing(out, err, showThinking);
    }

    /** Ends an answer: a newline, and the timings when asked. */
    void finish(PrintWriter out, PrintWriter err, GenerationResult r) {
        out.println();
        out.flush();
        if (verbose) {
            Timings.print(err, r);
        }
    }
}
