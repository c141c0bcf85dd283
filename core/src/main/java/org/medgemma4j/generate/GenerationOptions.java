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
 */
public record GenerationOptions(int maxTokens, SamplingParams sampling, List<String> stopStrings, boolean ignoreEos,
                                Grammar grammar) {

    public GenerationOptions {
        if (maxTokens < -1) {
            throw new IllegalArgumentException("the token limit must be >= -1, got " + maxTokens);
        }
        stopStrings = List.copyOf(stopStrings);
        for (String s : stopStrings) {
            if (s.isEmpty()) {
                throw new IllegalArgumentException("stop strings must not be empty");
            }
        }
    }

    /** Free text (no grammar). */
    public GenerationOptions(int maxTokens, SamplingParams sampling, List<String> stopStrings, boolean ignoreEos) {
        this(maxTokens, sampling, stopStrings, ignoreEos, null);
    }

    public static GenerationOptions of(int maxTokens, SamplingParams sampling) {
        return new GenerationOptions(maxTokens, sampling, List.of(), false);
    }

    public GenerationOptions withStopStrings(List<String> stops) {
        return new GenerationOptions(maxTokens, sampling, stops, ignoreEos, grammar);
    }

    public GenerationOptions withIgnoreEos(boolean ignore) {
        return new GenerationOptions(maxTokens, sampling, stopStrings, ignore, grammar);
    }

    public GenerationOptions withMaxTokens(int max) {
        return new GenerationOptions(max, sampling, stopStrings, ignoreEos, grammar);
    }

    /** Constrains the answer to {@code g} (null: free text). */
    public GenerationOptions withGrammar(Grammar g) {
        return new GenerationOptions(maxTokens, sampling, stopStrings, ignoreEos, g);
    }
}
