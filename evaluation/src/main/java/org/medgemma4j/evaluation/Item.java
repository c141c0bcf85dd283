package org.medgemma4j.evaluation;

import java.util.List;

/**
 * One benchmark question.
 *
 * @param id       stable within its task (the data set's id, or the line/row number): the key for resuming
 * @param subject  MedMCQA's or MMLU's subject, null where the set has none
 * @param question the question text
 * @param options  the options' texts in letter order (A, B, ...), empty for a yes/no/maybe question
 * @param context  PubMedQA's abstract, null otherwise
 * @param answer   the correct choice: a letter, or yes/no/maybe
 */
public record Item(String id, String subject, String question, List<String> options, String context, String answer) {

    public static final List<String> YES_NO_MAYBE = List.of("yes", "no", "maybe");

    public Item {
        options = List.copyOf(options);
        if (!choices(options).contains(answer)) {
            throw new IllegalArgumentException("item " + id + ": answer '" + answer + "' is not one of " + choices(options));
        }
    }

    /** What an answer may be: the letters of the options, or yes/no/maybe. */
    public List<String> choices() {
        return choices(options);
    }

    private static List<String> choices(List<String> options) {
        if (options.isEmpty()) {
            return YES_NO_MAYBE;
        }
        return java.util.stream.IntStream.range(0, options.size()).mapToObj(Item::letter).toList();
    }

    public static String letter(int index) {
        return String.valueOf((char) ('A' + index));
    }
}
