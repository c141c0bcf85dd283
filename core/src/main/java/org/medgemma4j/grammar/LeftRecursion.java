package org.medgemma4j.grammar;

import java.util.ArrayList;
import java.util.List;

/**
 * Rejects left-recursive grammars (a rule that can reach itself before matching a character), which a
 * stack-based matcher would expand forever; llama.cpp rejects them too.
 */
final class LeftRecursion {

    private LeftRecursion() {
    }

    static void check(List<String> names, List<List<int[]>> bodies) {
        int n = names.size();
        boolean[] nullable = new boolean[n];
        for (boolean changed = true; changed; ) {
            changed = false;
            for (int r = 0; r < n; r++) {
                if (!nullable[r] && bodies.get(r).stream().anyMatch(alt -> allNullable(alt, alt.length, nullable))) {
                    nullable[r] = true;
                    changed = true;
                }
            }
        }
        int[] mark = new int[n]; // 0 unvisited, 1 on the path, 2 done
        for (int r = 0; r < n; r++) {
            visit(r, names, bodies, nullable, mark, new ArrayList<>());
        }
    }

    private static void visit(int r, List<String> names, List<List<int[]>> bodies, boolean[] nullable, int[] mark,
                              List<String> path) {
        if (mark[r] == 2) {
            return;
        }
        path.add(names.get(r));
        if (mark[r] == 1) {
            throw new GrammarException("rule '" + names.get(r) + "' is left-recursive ("
                    + String.join(" -> ", path.subList(path.indexOf(names.get(r)), path.size())) + ")");
        }
        mark[r] = 1;
        for (int[] alt : bodies.get(r)) {
            for (int i = 0; i < alt.length; i++) {
                if (Grammar.isRef(alt[i])) {
                    visit(Grammar.refRule(alt[i]), names, bodies, nullable, mark, path);
                }
                if (!allNullable(alt, i + 1, nullable)) {
                    break;
                }
            }
        }
        mark[r] = 2;
        path.removeLast();
    }

    private static boolean allNullable(int[] alt, int upTo, boolean[] nullable) {
        for (int i = 0; i < upTo; i++) {
            if (!Grammar.isRef(alt[i]) || !nullable[Grammar.refRule(alt[i])]) {
                return false;
            }
        }
        return true;
    }
}
