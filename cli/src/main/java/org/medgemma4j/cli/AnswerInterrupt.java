package org.medgemma4j.cli;

import java.util.concurrent.atomic.AtomicBoolean;
import org.medgemma4j.generate.TokenStream;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C during an answer stops that answer and returns to the prompt, as llama.cpp's and Ollama's chats do;
 * at the prompt it ends the program as usual. The JDK offers no public SIGINT hook, so this uses
 * {@code sun.misc.Signal} (module jdk.unsupported); where that is refused, Ctrl-C keeps its default effect.
 */
final class AnswerInterrupt implements AutoCloseable {

    private static final Signal INT = new Signal("INT");

    private final AtomicBoolean stop = new AtomicBoolean();
    private SignalHandler previous;

    private AnswerInterrupt() {
    }

    /** Catches Ctrl-C until closed. */
    static AnswerInterrupt during() {
        AnswerInterrupt a = new AnswerInterrupt();
        try {
            a.previous = Signal.handle(INT, s -> a.stop.set(true));
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            // no SIGINT here, or the VM keeps it (-Xrs): Ctrl-C ends the program
        }
        return a;
    }

    /** {@code stream}, cancelled once Ctrl-C was pressed. */
    TokenStream wrap(TokenStream stream) {
        return new TokenStream() {
            @Override
            public void onText(String text) {
                stream.onText(text);
            }

            @Override
            public void onThinking(String text) {
                stream.onThinking(text);
            }

            @Override
            public boolean cancelled() {
                return stop.get() || stream.cancelled();
            }
        };
    }

    boolean interrupted() {
        return stop.get();
    }

    @Override
    public void close() {
        if (previous != null) {
            Signal.handle(INT, previous);
        }
    }
}
