package org.medgemma4j.generate;

import org.medgemma4j.tokenizer.StreamingDetokenizer;
import org.medgemma4j.tokenizer.Tokenizer;
import org.medgemma4j.tokenizer.Vocabulary;

/**
 * Turns generated tokens into the text a user sees: whole characters only, MedGemma's thinking block
 * ({@code <unused94>thought ... <unused95>}) routed apart from the answer, and the answer cut before the
 * first stop string.
 */
final class AnswerStream {

    private final TokenStream out;
    private final StreamingDetokenizer detokenizer;
    private final StopStringFilter answer;
    private final StringBuilder thinking = new StringBuilder();
    private final int thinkStart;
    private final int thinkEnd;
    private boolean inThinking;

    AnswerStream(Tokenizer tokenizer, java.util.List<String> stopStrings, TokenStream out) {
        this.out = out;
        this.detokenizer = new StreamingDetokenizer(tokenizer, false);
        this.answer = new StopStringFilter(stopStrings);
        Vocabulary v = tokenizer.vocabulary();
        this.thinkStart = v.id("<unused94>");
        this.thinkEnd = v.id("<unused95>");
    }

    /** Takes one generated token; returns true when a stop string has ended the answer. */
    boolean accept(int token) {
        if (token == thinkStart && thinkStart != Vocabulary.NONE) {
            inThinking = true;
            return false;
        }
        if (token == thinkEnd && thinkEnd != Vocabulary.NONE) {
            inThinking = false;
            return false;
        }
        route(detokenizer.accept(token));
        return answer.stopped();
    }

    /** Ends the stream: emits what was held back. */
    void finish() {
        if (!answer.stopped()) {
            route(detokenizer.flush());
            emit(answer.flush());
        }
    }

    String text() {
        return answer.text();
    }

    String thinking() {
        return thinking.toString();
    }

    private void route(String text) {
        if (text.isEmpty()) {
            return;
        }
        if (inThinking) {
            thinking.append(text);
            out.onThinking(text);
        } else {
            emit(answer.accept(text));
        }
    }

    private void emit(String text) {
        if (!text.isEmpty()) {
            out.onText(text);
        }
    }
}
