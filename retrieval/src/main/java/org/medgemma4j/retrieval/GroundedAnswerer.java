package org.medgemma4j.retrieval;

import java.io.IOException;
import java.util.List;
import java.util.function.ToIntFunction;
import org.medgemma4j.generate.ChatMessage;
import org.medgemma4j.generate.GenerationOptions;
import org.medgemma4j.generate.GenerationResult;
import org.medgemma4j.generate.Session;
import org.medgemma4j.generate.TokenStream;

/**
 * {@code ask}: retrieves, and when something clears the relevance floor builds a prompt with numbered
 * sources and streams the model's answer with invented citation numbers marked. When nothing clears the
 * floor it abstains without calling the model: no answer is better than one with irrelevant sources
 * (MedRAG measured them pulling accuracy below no retrieval at all).
 */
public final class GroundedAnswerer {

    /** Tokens kept free for the answer when the caller sets no limit. */
    static final int DEFAULT_ANSWER_RESERVE = 512;

    private final Retriever retriever;
    private final RelevanceFloor floor;
    private final int sources;

    /** @param sources how many passages to retrieve at most */
    public GroundedAnswerer(Retriever retriever, RelevanceFloor floor, int sources) {
        if (sources < 1) {
            throw new IllegalArgumentException("ask needs at least one source, got " + sources);
        }
        this.retriever = retriever;
        this.floor = floor;
        this.sources = sources;
    }

    /** The passages that clear the floor; empty means ask will abstain. */
    public synchronized List<Hit> retrieve(String question) throws IOException {
        return retriever.relevant(question, sources, floor);
    }

    /**
     * The prompt for {@code hits} within a context of {@code contextLength} tokens, keeping room for
     * {@code maxTokens} of answer (-1: a quarter of the context, at most 512).
     */
    public static GroundedPrompt prompt(String question, List<Hit> hits, ToIntFunction<List<ChatMessage>> tokens, int contextLength,
                                        int maxTokens) {
        int reserve = maxTokens > 0 ? maxTokens : Math.min(DEFAULT_ANSWER_RESERVE, contextLength / 4);
        GroundedPrompt prompt = GroundedPrompt.build(question, hits, tokens, contextLength - reserve);
        if (prompt.sources().isEmpty()) {
            throw new IllegalArgumentException("the context (" + contextLength + " tokens) leaves no room for a source: "
                    + "use a larger context or a lower token limit");
        }
        return prompt;
    }

    /** Answers from {@code hits} (from {@link #retrieve}); abstains, printing why, when there are none. */
    public GroundedAnswer answer(String question, List<Hit> hits, Session session, GenerationOptions options, TokenStream out) {
        if (hits.isEmpty()) {
            out.onText(GroundedAnswer.NOTHING_RELEVANT);
            return new GroundedAnswer(GroundedAnswer.NOTHING_RELEVANT, List.of(), List.of(), List.of(), true, null);
        }
        var template = new org.medgemma4j.generate.ChatTemplate(session.tokenizer());
        GroundedPrompt prompt = prompt(question, hits, m -> template.encode(m, true).length, session.contextLength(), options.maxTokens());
        CitationMarker marker = new CitationMarker(prompt.sources().size(), out);
        GenerationResult r = session.generate(template.encode(prompt.messages(), true), options, marker);
        marker.finish();
        return new GroundedAnswer(marker.answer(), prompt.sources(), marker.cited(), marker.unknown(), false, r);
    }
}
