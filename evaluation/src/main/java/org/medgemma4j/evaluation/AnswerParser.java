package org.medgemma4j.evaluation;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the choice a model stated: a letter (A-D...) or yes/no/maybe. MedGemma's thinking block
 * ({@code <unused94>thought ... <unused95>}) and other models' {@code <think>...</think>} are removed first:
 * only the answer after them counts. Accepted forms, most explicit first: "Answer: B", "The correct answer is
 * (B)", "Final answer: **B**", "\boxed{B}" (the last such statement wins: a chain of thought ends with its
 * verdict); an answer that opens with its choice ("B", "B.", "(B) Hyperstabilization...", "Yes, ..."); an
 * answer that is exactly one option's text. Anything else is unparsed: never guessed, scored wrong.
 */
public final class AnswerParser {

    private static final Pattern THINKING = Pattern.compile("(?s)<unused94>.*?(<unused95>|$)|<think>.*?(</think>|$)");
    // "answer" statements only: "option B" alone is often a mention inside reasoning, not the verdict
    private static final String LEAD = "(?i:(?:final|correct|right|best|most\\s+likely)\\s+(?:answer|option|choice)|"
            + "answer)(?:\\s+(?i:is|would\\s+be|will\\s+be|should\\s+be))?\\s*[:=\\-]?\\s*"
            + "(?i:option\\s+|choice\\s+)?";
    private static final Pattern EXPLICIT_LETTER = Pattern.compile(LEAD + "[(\\[]?([A-Z])(?![A-Za-z0-9'])");
    private static final Pattern BOXED = Pattern.compile("\\\\boxed\\{\\s*(?:\\\\text\\{)?\\s*([A-Za-z]+)");
    private static final Pattern LEADING_LETTER =
            Pattern.compile("^\\s*(?:(?i:option|choice)\\s+)?[(\\[]?([A-Z])(?:\\s*[).:,\\]]|\\s*$)");
    private static final Pattern EXPLICIT_WORD = Pattern.compile(LEAD + "(yes|no|maybe)\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern LEADING_WORD = Pattern.compile("^\\s*(yes|no|maybe)\\b", Pattern.CASE_INSENSITIVE);

    private AnswerParser() {
    }

    /** The answer without any thinking block. */
    public static String stripThinking(String raw) {
        return THINKING.matcher(raw).replaceAll("").strip();
    }

    /** The choice stated in {@code raw}, one of {@code choices}; empty when it cannot be read. */
    public static Optional<String> parse(String raw, List<String> choices) {
        if (raw == null) {
            return Optional.empty();
        }
        // markdown emphasis and code marks around the answer carry no meaning here
        String text = stripThinking(raw).replaceAll("[*_`#]", "");
        if (text.isEmpty()) {
            return Optional.empty();
        }
        boolean words = choices.equals(Item.YES_NO_MAYBE);
        Optional<String> explicit = last(words ? EXPLICIT_WORD : EXPLICIT_LETTER, text, choices);
        if (explicit.isPresent()) {
            return explicit;
        }
        Optional<String> boxed = last(BOXED, text, choices);
        if (boxed.isPresent()) {
            return boxed;
        }
        Optional<String> leading = last(words ? LEADING_WORD : LEADING_LETTER, text, choices);
        if (leading.isPresent()) {
            return leading;
        }
        return Optional.empty();
    }

    /** As {@link #parse(String, List)}, also accepting an answer that is exactly one option's text. */
    public static Optional<String> parse(String raw, Item item) {
        Optional<String> stated = parse(raw, item.choices());
        if (stated.isPresent() || raw == null || item.options().isEmpty()) {
            return stated;
        }
        String text = normalise(stripThinking(raw).replaceFirst("(?i)^\\s*(?:the\\s+)?answer\\s*(?:is\\s*:?|:)\\s*", ""));
        String match = null;
        for (int i = 0; i < item.options().size(); i++) {
            if (normalise(item.options().get(i)).equals(text)) {
                if (match != null) {
                    return Optional.empty(); // two options with the same text: ambiguous
                }
                match = Item.letter(i);
            }
        }
        return Optional.ofNullable(match);
    }

    private static String normalise(String s) {
        return s.replaceAll("[*_`]", "").strip().replaceAll("[.\\s]+$", "").replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
    }

    private static Optional<String> last(Pattern p, String text, List<String> choices) {
        Matcher m = p.matcher(text);
        String found = null;
        while (m.find()) {
            String c = canonical(m.group(1), choices);
            if (c != null) {
                found = c;
            }
        }
        return Optional.ofNullable(found);
    }

    private static String canonical(String stated, List<String> choices) {
        for (String c : choices) {
            if (c.equalsIgnoreCase(stated)) {
                return c;
            }
        }
        return null;
    }
}
