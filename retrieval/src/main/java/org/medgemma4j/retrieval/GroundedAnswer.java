package org.medgemma4j.retrieval;

import java.util.List;
import org.medgemma4j.generate.GenerationResult;

/**
 * What {@code ask} returns.
 *
 * @param answer    the answer as streamed (invented citation numbers marked "[n?]"), or the abstention
 * @param sources   the numbered sources the model was given; empty when it abstained
 * @param cited     the source numbers the answer cites
 * @param unknown   numbers the answer cites that no source has
 * @param abstained true when nothing relevant was found and the model was not asked
 * @param result    the generation's details, null when abstained
 */
public record GroundedAnswer(String answer, List<Source> sources, List<Integer> cited, List<Integer> unknown,
                             boolean abstained, GenerationResult result) {

    /** What ask says when the index has nothing relevant. */
    public static final String NOTHING_RELEVANT = "No sufficiently relevant sources were found in the index for this question, "
            + "so no answer is given (an answer without sources could not be checked).";
}
