package org.medgemma4j.generate;

/** A prompt that does not fit the context window: refused, never silently cut. */
public final class ContextOverflowException extends IllegalArgumentException {

    public ContextOverflowException(int tokens, int context) {
        super("the prompt has " + tokens + " tokens but the context holds " + context
                + " (raise the context size, or shorten the prompt)");
    }
}
