package org.medgemma4j.grammar;

import java.util.ArrayList;
import java.util.List;

/**
 * A context-free grammar over Unicode code points, in llama.cpp's GBNF form: each rule is a list of
 * alternatives, each alternative a sequence of character sets and rule references (repetitions and groups
 * already turned into helper rules). Built from GBNF text ({@link #parse}); the structured module compiles
 * JSON Schemas into such text as llama.cpp's json-schema-to-grammar does. Immutable.
 *
 * <p>The alternatives are stored flat, as llama.cpp stores them, so that a position in the grammar is one
 * int: {@link #element} at a position is a character set index (&gt;= 0), {@link #END} for the end of an
 * alternative, or a rule reference ({@code -2 - rule}).
 */
public final class Grammar {

    static final int END = -1;

    private final String source;
    private final String[] ruleNames;
    private final int[] elements;
    private final int[][] alternatives;
    private final CharSet[] sets;
    private final int root;

    Grammar(String source, List<String> names, List<List<int[]>> bodies, List<CharSet> sets, int root) {
        this.source = source;
        this.ruleNames = names.toArray(String[]::new);
        this.sets = sets.toArray(CharSet[]::new);
        this.root = root;
        List<Integer> flat = new ArrayList<>();
        this.alternatives = new int[bodies.size()][];
        for (int r = 0; r < bodies.size(); r++) {
            List<int[]> alts = bodies.get(r);
            alternatives[r] = new int[alts.size()];
            for (int a = 0; a < alts.size(); a++) {
                alternatives[r][a] = flat.size();
                for (int e : alts.get(a)) {
                    flat.add(e);
                }
                flat.add(END);
            }
        }
        this.elements = flat.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Parses GBNF text (llama.cpp's grammar format); the start rule is {@code root}. */
    public static Grammar parse(String gbnf) {
        return GbnfParser.parse(gbnf);
    }

    /** The GBNF text this grammar was parsed from. */
    public String gbnf() {
        return source;
    }

    int root() {
        return root;
    }

    int element(int position) {
        return elements[position];
    }

    int[] alternatives(int rule) {
        return alternatives[rule];
    }

    CharSet set(int index) {
        return sets[index];
    }

    String ruleName(int rule) {
        return ruleNames[rule];
    }

    static boolean isRef(int element) {
        return element <= -2;
    }

    static int refRule(int element) {
        return -2 - element;
    }

    static int ref(int rule) {
        return -2 - rule;
    }

    @Override
    public String toString() {
        return source;
    }
}
