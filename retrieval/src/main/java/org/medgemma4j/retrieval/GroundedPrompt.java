package org.medgemma4j.retrieval;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;
import org.medgemma4j.generate.ChatMessage;

/**
 * The prompt for a grounded answer: instructions, the numbered sources, the question. Sources go in rank
 * order while they fit the token budget; the last one that fits only in part is shortened at a word
 * boundary, and those that do not fit at all are left out (and so are not in the sources list either).
 */
public final class GroundedPrompt {

    static final String INSTRUCTIONS = """
            You answer questions for a medical researcher using only the numbered sources below. \
            Cite the sources that support each statement with their numbers in square brackets, e.g. [1] or [2, 3]. \
            If the sources do not answer the question, say so; do not use outside knowledge and do not invent sources. \
            This is for research use, not clinical decisions.""";

    /** Shorter than this, a shortened source is more noise than evidence: left out instead. */
    static final int MIN_EXCERPT_CHARS = 200;

    private final List<ChatMessage> messages;
    private final List<Source> sources;

    private GroundedPrompt(List<ChatMessage> messages, List<Source> sources) {
        this.messages = messages;
        this.sources = sources;
    }

    public List<ChatMessage> messages() {
        return messages;
    }

    public List<Source> sources() {
        return sources;
    }

    /**
     * @param tokens counts the tokens of a whole prompt (the chat template applied)
     * @param budget the most tokens the prompt may take
     */
    public static GroundedPrompt build(String question, List<Hit> hits, ToIntFunction<List<ChatMessage>> tokens, int budget) {
        List<Source> chosen = new ArrayList<>();
        for (Hit h : hits) {
            Source whole = new Source(chosen.size() + 1, h, h.passage().text());
            if (tokens.applyAsInt(messages(question, plus(chosen, whole))) <= budget) {
                chosen.add(whole);
                continue;
            }
            // The longest prefix that fits, by bisection on characters.
            String text = h.passage().text();
            int lo = 0;
            int hi = text.length();
            while (lo < hi) {
                int mid = (lo + hi + 1) / 2;
                Source s = new Source(chosen.size() + 1, h, cut(text, mid));
                if (tokens.applyAsInt(messages(question, plus(chosen, s))) <= budget) {
                    lo = mid;
                } else {
                    hi = mid - 1;
                }
            }
            if (lo >= MIN_EXCERPT_CHARS) {
                chosen.add(new Source(chosen.size() + 1, h, cut(text, lo)));
            }
            break;
        }
        return new GroundedPrompt(messages(question, chosen), List.copyOf(chosen));
    }

    private static List<Source> plus(List<Source> list, Source s) {
        List<Source> out = new ArrayList<>(list);
        out.add(s);
        return out;
    }

    private static String cut(String text, int chars) {
        if (chars >= text.length()) {
            return text;
        }
        int space = text.lastIndexOf(' ', chars);
        return (space > chars / 2 ? text.substring(0, space) : text.substring(0, chars)) + " ...";
    }

    static List<ChatMessage> messages(String question, List<Source> sources) {
        StringBuilder sb = new StringBuilder("Sources:\n\n");
        for (Source s : sources) {
            sb.append('[').append(s.n()).append("] ").append(s.describe()).append('\n').append(s.excerpt()).append("\n\n");
        }
        sb.append("Question: ").append(question.strip());
        return List.of(ChatMessage.system(INSTRUCTIONS), ChatMessage.user(sb.toString()));
    }
}
