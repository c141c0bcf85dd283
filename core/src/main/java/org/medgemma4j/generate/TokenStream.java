package org.medgemma4j.generate;

/** Receives generated text as it is produced: the answer, and MedGemma's thinking kept apart. */
public interface TokenStream {

    /** A piece of the answer (whole characters only). */
    void onText(String text);

    /** A piece of the model's thinking block; ignored unless overridden. */
    default void onThinking(String text) {
    }

    /**
     * A generated token's log-probabilities, before its text reaches {@link #onText}; called only when the
     * options ask for them ({@link GenerationOptions#logprobs()}). Ignored unless overridden.
     */
    default void onLogprob(TokenLogprob logprob) {
    }

    /** Polled between tokens: true stops generation (e.g. the client disconnected). */
    default boolean cancelled() {
        return false;
    }

    TokenStream NONE = text -> { };
}
