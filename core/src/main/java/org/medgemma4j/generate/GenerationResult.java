package org.medgemma4j.generate;

/**
 * @param tokens         the generated tokens (thinking included, stop token excluded)
 * @param text           the answer text, without thinking and stop string
 * @param thinking       the thinking block's text, empty if none
 * @param promptTokens   tokens in the prompt
 * @param reusedTokens   prompt tokens whose KV cache was reused from the previous request
 * @param promptNanos    time spent evaluating the prompt
 * @param generateNanos  time spent generating
 */
public record GenerationResult(int[] tokens, String text, String thinking, StopReason reason, int promptTokens,
                               int reusedTokens, long promptNanos, long generateNanos) {

    /** Generated tokens per second, 0 when nothing was generated. */
    public double tokensPerSecond() {
        return generateNanos == 0 ? 0 : tokens.length * 1e9 / generateNanos;
    }
}
