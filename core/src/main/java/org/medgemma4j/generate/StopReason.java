package org.medgemma4j.generate;

/** Why generation ended. */
public enum StopReason {
    /** The model ended its turn (&lt;end_of_turn&gt; or &lt;eos&gt;). */
    END_OF_TURN,
    /** A user stop string appeared. */
    STOP_STRING,
    /** The token limit was reached. */
    MAX_TOKENS,
    /** The context window is full. */
    CONTEXT_FULL,
    /** The caller asked to stop (e.g. the client went away). */
    CANCELLED
}
