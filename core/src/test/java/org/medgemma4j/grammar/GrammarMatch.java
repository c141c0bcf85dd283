package org.medgemma4j.grammar;

import java.nio.charset.StandardCharsets;

/**
 * Runs text through a grammar's automaton byte by byte, as the token constraint does. Public for the
 * structured module's tests of compiled JSON Schemas.
 */
public final class GrammarMatch {

    private GrammarMatch() {
    }

    /** The whole text is a sentence of the grammar. */
    public static boolean accepts(Grammar g, String text) {
        GrammarAutomaton.State s = run(g, text);
        return s.accepting;
    }

    /** Some sentence of the grammar starts with the text. */
    public static boolean isPrefix(Grammar g, String text) {
        GrammarAutomaton a = new GrammarAutomaton(g);
        return run(a, text) != a.dead;
    }

    private static GrammarAutomaton.State run(Grammar g, String text) {
        return run(new GrammarAutomaton(g), text);
    }

    private static GrammarAutomaton.State run(GrammarAutomaton a, String text) {
        GrammarAutomaton.State s = a.start;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            s = a.next(s, b & 0xFF);
        }
        return s;
    }
}
