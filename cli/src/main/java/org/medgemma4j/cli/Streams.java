package org.medgemma4j.cli;

import java.io.PrintWriter;
import org.medgemma4j.generate.TokenStream;

/** Token streams that print as they go. */
final class Streams {

    private Streams() {
    }

    /** Prints the answer; the thinking block too, set apart, when {@code showThinking}. */
    static TokenStream printing(PrintWriter out, PrintWriter err, boolean showThinking) {
        return new TokenStream() {
            @Override
            public void onText(String text) {
                out.print(text);
                out.flush();
            }

            @Override
            public void onThinking(String text) {
                if (showThinking) {
                    err.print(text);
                    err.flush();
                }
            }
        };
    }
}
