package org.medgemma4j.privacy.deid;

import java.util.ArrayList;
import java.util.List;

/** The tokens of a text, with the text between them, for rules that look at neighbours. */
final class Tokens {

    private final String text;
    private final List<Token> tokens;

    private Tokens(String text, List<Token> tokens) {
        this.text = text;
        this.tokens = tokens;
    }

    static Tokens of(String text) {
        List<Token> out = new ArrayList<>();
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (Character.isLetter(c)) {
                int j = i + 1;
                while (j < n) {
                    char d = text.charAt(j);
                    if (Character.isLetter(d)) {
                        j++;
                    } else if ((d == '\'' || d == '-') && j + 1 < n && Character.isLetter(text.charAt(j + 1))) {
                        j += 2;
                    } else {
                        break;
                    }
                }
                out.add(new Token(i, j, text.substring(i, j), out.size()));
                i = j;
            } else if (Character.isDigit(c)) {
                int j = i + 1;
                while (j < n && Character.isDigit(text.charAt(j))) {
                    j++;
                }
                out.add(new Token(i, j, text.substring(i, j), out.size()));
                i = j;
            } else {
                i++;
            }
        }
        return new Tokens(text, out);
    }

    String text() {
        return text;
    }

    List<Token> list() {
        return tokens;
    }

    int size() {
        return tokens.size();
    }

    Token get(int i) {
        return i >= 0 && i < tokens.size() ? tokens.get(i) : null;
    }

    /** The text between token {@code i} and the next one (empty after the last). */
    String gapAfter(int i) {
        Token t = tokens.get(i);
        int end = i + 1 < tokens.size() ? tokens.get(i + 1).start() : text.length();
        return text.substring(t.end(), end);
    }

    /** The text between the previous token and token {@code i}. */
    String gapBefore(int i) {
        Token t = tokens.get(i);
        int start = i > 0 ? tokens.get(i - 1).end() : 0;
        return text.substring(start, t.start());
    }

    /** Whether the gap after token {@code i} stays on one line and holds no sentence break or comma. */
    boolean joinedToNext(int i) {
        String gap = gapAfter(i);
        for (int k = 0; k < gap.length(); k++) {
            char c = gap.charAt(k);
            if (c == '\n' || c == ',' || c == ';' || c == ':' || c == '(' || c == ')' || c == '/' || c == '!' || c == '?') {
                return false;
            }
        }
        return gap.length() <= 3;
    }
}
