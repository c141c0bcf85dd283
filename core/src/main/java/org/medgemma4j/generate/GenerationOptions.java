package org.medgemma4j.generate;

import java.util.List;
import org.medgemma4j.grammar.Grammar;
import org.medgemma4j.sampling.SamplingParams;

/**
 * @param maxTokens   the most tokens to generate; -1 for no limit but the context
 * @param stopStrings generation stops before the first of these appears in the answer
 * @param ignoreEos   keep going past &lt;end_of_turn&gt;/&lt;eos&gt; (for raw continuation and exact testing)
 * @param grammar     the answer must be a text of this grammar (a JSON Schema's, say), or null for free text;
 *                    generation ends once the text is complete
 * @param logprobs    -1: no log-probabilities; 0..20: each generated token's log-probability and that many of the
 *                    most likely alternatives go to {@link TokenStream#onLogprob}
 */
public record GenerationOptions(int maxTokens, SamplingParams sampling, List<String> stopStrings, boolean ignoreEos,
                                Grammar grammar, int logprobs) {

    /** The most alternatives per token that {@link #logprobs} may ask for (OpenAI's limit). */
    public static final int MAX_TOP_LOGPROBS = 20;

    public GenerationOptions {
        if (maxTokens < -1) {
            throw new IllegalArgumentException("the token limit must be >= -1, got " + maxTokens);
        }
        if (logprobs < -1 || logprobs > MAX_TOP_LOGPROBS) {
            throw new IllegalArgumentException("top log-probabilities must be 0.." + MAX_TOP_LOGPROBS + ", got " + logprobs);
        }
        stopStrings = List.copyOf(stopStrings);
        for (String s : stopStrings) {
            if (s.isEmpty()) {
                throw new IllegalArgumentException("stop strings must not be empty");
            }
        }
    }

    /** Without log-probabilities. */
    public GenerationOptions(int maxTokens, SamplingParams sampling, List<String> stopStrings, boolean ignoreEos,
                             Grammar grammar) {
        this(maxTokens, sampling, stopStrings, ignoreEos, grammar, -1);
    }

    /** Free text (no grammar). */
    public GenerationOptions(int maxTokens, SamplingParams sampling, List<String> stopStrings, boolean ignoreEos) {
        this(maxTokens, sampling, stopStrings, ignoreEos, null);
    }

    public static GenerationOptions of(int maxTokens, SamplingParams sampling) {
        return new GenerationOptions(maxTokens, sampling, List.of(), false);
    }

    public GenerationOptions withStopStrings(List<String> stops) {
        return new GenerationOptions(maxTokens, sampling, stops, ignoreEos, grammar, logprobs);
    }

    public GenerationOptions withIgnoreEos(boolean ignore) {
        return new GenerationOptions(maxTokens, sampling, stopStrings, ignore, grammar, logprobs);
    }

    public GenerationOptions withMaxTokens(int max) {
        return new GenerationOptions(max, sampling, stopStrings, ignoreEos, grammar, logprobs);
    }

    /** Constrains the answer to {@code g} (null: free text). */
    public GenerationOptions withGrammar(Grammar g) {
        return new GenerationOptions(maxTokens, sampling, stopStrings, ignoreEos, g, logprobs);
    }

    /** Reports each generated token's log-probability with {@code top} alternatives (-1: none). */
    public GenerationOptions withLogprobs(int top) {
        return new GenerationOptions(maxTokens, sampling, stopStrings, ignoreEos, grammar, top);
    }
}
