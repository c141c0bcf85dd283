package org.medgemma4j.grammar;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads llama.cpp's GBNF: {@code name ::= alternatives} rules with "literals", [classes], [^negated],
 * {@code .}, rule names, ( groups ), and the repetitions * + ? {m} {m,} {m,n}, which become helper rules as
 * llama.cpp makes them. Errors name the line and column. Undefined, doubly defined and left-recursive
 * rules are errors too, as is a grammar without {@code root}.
 */
final class GbnfParser {

    /** The most optional copies one {m,n} may make (each is a helper rule). */
    private static final int MAX_REPETITION = 100_000;

    private final String src;
    private int pos;
    private final Map<String, Integer> ids = new HashMap<>();
    private final List<String> names = new ArrayList<>();
    private final List<List<int[]>> bodies = new ArrayList<>();
    private final List<Integer> firstUse = new ArrayList<>();
    private final List<CharSet> sets = new ArrayList<>();
    private final Map<CharSet, Integer> setIds = new HashMap<>();

    private GbnfParser(String src) {
        this.src = src;
    }

    static Grammar parse(String text) {
        GbnfParser p = new GbnfParser(text);
        p.parseRules();
        return p.build();
    }

    private void parseRules() {
        skipSpace(true);
        while (pos < src.length()) {
            int at = pos;
            String name = parseName();
            skipSpace(false);
            if (!src.startsWith("::=", pos)) {
                throw error("expected '::=' after rule name '" + name + "'");
            }
            pos += 3;
            skipSpace(true);
            int rule = ruleId(name, at);
            if (bodies.get(rule) != null) {
                throw error(at, "rule '" + name + "' is defined twice");
            }
            bodies.set(rule, parseAlternates(name, false));
            if (pos < src.length() && src.charAt(pos) != '\n' && src.charAt(pos) != '\r') {
                throw error("unexpected '" + src.charAt(pos) + "'");
            }
            skipSpace(true);
        }
    }

    private Grammar build() {
        for (int r = 0; r < names.size(); r++) {
            if (bodies.get(r) == null) {
                throw error(firstUse.get(r), "undefined rule '" + names.get(r) + "'");
            }
        }
        Integer root = ids.get("root");
        if (root == null) {
            throw new GrammarException("the grammar has no 'root' rule");
        }
        LeftRecursion.check(names, bodies);
        return new Grammar(src, names, bodies, sets, root);
    }

    private List<int[]> parseAlternates(String ruleName, boolean nested) {
        List<int[]> alts = new ArrayList<>();
        alts.add(parseSequence(ruleName, nested));
        while (pos < src.length() && src.charAt(pos) == '|') {
            pos++;
            skipSpace(true);
            alts.add(parseSequence(ruleName, nested));
        }
        return alts;
    }

    private int[] parseSequence(String ruleName, boolean nested) {
        List<Integer> seq = new ArrayList<>();
        int lastStart = -1;
        while (pos < src.length()) {
            char c = src.charAt(pos);
            int start = seq.size();
            if (c == '"') {
                pos++;
                while (true) {
                    if (pos >= src.length()) {
                        throw error("unterminated literal");
                    }
                    if (src.charAt(pos) == '"') {
                        pos++;
                        break;
                    }
                    seq.add(set(CharSet.of(parseChar())));
                }
                lastStart = start;
            } else if (c == '[') {
                pos++;
                seq.add(set(parseClass()));
                lastStart = start;
            } else if (c == '.') {
                pos++;
                seq.add(set(CharSet.ANY));
                lastStart = start;
            } else if (isWordChar(c)) {
                int at = pos;
                seq.add(Grammar.ref(ruleId(parseName(), at)));
                lastStart = start;
            } else if (c == '(') {
                pos++;
                skipSpace(true);
                int sub = newRule(ruleName);
                bodies.set(sub, parseAlternates(ruleName, true));
                if (pos >= src.length() || src.charAt(pos) != ')') {
                    throw error("expected ')'");
                }
                pos++;
                seq.add(Grammar.ref(sub));
                lastStart = start;
            } else if (c == '*' || c == '+' || c == '?' || c == '{') {
                if (lastStart < 0) {
                    throw error("'" + c + "' has nothing before it to repeat");
                }
                pos++;
                int min = c == '+' ? 1 : 0;
                int max = c == '?' ? 1 : -1;
                if (c == '{') {
                    int[] bounds = parseBounds();
                    min = bounds[0];
                    max = bounds[1];
                }
                repeat(seq, lastStart, min, max, ruleName);
            } else {
                break;
            }
            skipSpace(nested);
        }
        return seq.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Replaces seq[from..] (one item) by min copies and up to max - min optional ones (max -1: no bound). */
    private void repeat(List<Integer> seq, int from, int min, int max, String ruleName) {
        List<Integer> unit = new ArrayList<>(seq.subList(from, seq.size()));
        seq.subList(from, seq.size()).clear();
        for (int i = 0; i < min; i++) {
            seq.addAll(unit);
        }
        if (max < 0) {
            int star = newRule(ruleName);
            List<Integer> again = new ArrayList<>(unit);
            again.add(Grammar.ref(star));
            bodies.set(star, List.of(toArray(again), new int[0]));
            seq.add(Grammar.ref(star));
        } else if (max > min) {
            int last = -1;
            for (int k = 0; k < max - min; k++) {
                int opt = newRule(ruleName);
                List<Integer> body = new ArrayList<>(unit);
                if (last >= 0) {
                    body.add(Grammar.ref(last));
                }
                bodies.set(opt, List.of(toArray(body), new int[0]));
                last = opt;
            }
            seq.add(Grammar.ref(last));
        }
    }

    private int[] parseBounds() {
        skipSpace(true);
        int min = parseInt();
        int max = min;
        skipSpace(true);
        if (pos < src.length() && src.charAt(pos) == ',') {
            pos++;
            skipSpace(true);
            max = pos < src.length() && Character.isDigit(src.charAt(pos)) ? parseInt() : -1;
            skipSpace(true);
        }
        if (pos >= src.length() || src.charAt(pos) != '}') {
            throw error("expected '}' to close the repetition");
        }
        pos++;
        if (max >= 0 && max < min) {
            throw error("repetition {" + min + "," + max + "} has its maximum below its minimum");
        }
        if (Math.max(min, max) > MAX_REPETITION) {
            throw error("repetition bound over " + MAX_REPETITION);
        }
        return new int[] {min, max};
    }

    private int parseInt() {
        int start = pos;
        while (pos < src.length() && Character.isDigit(src.charAt(pos))) {
            pos++;
        }
        if (start == pos || pos - start > 9) {
            throw error(start, "expected a repetition count");
        }
        return Integer.parseInt(src, start, pos, 10);
    }

    private CharSet parseClass() {
        boolean negated = pos < src.length() && src.charAt(pos) == '^';
        if (negated) {
            pos++;
        }
        List<int[]> ranges = new ArrayList<>();
        while (true) {
            if (pos >= src.length()) {
                throw error("unterminated character class");
            }
            if (src.charAt(pos) == ']') {
                pos++;
                break;
            }
            int lo = parseChar();
            int hi = lo;
            if (pos + 1 < src.length() && src.charAt(pos) == '-' && src.charAt(pos + 1) != ']') {
                pos++;
                hi = parseChar();
                if (hi < lo) {
                    throw error("character range is out of order");
                }
            }
            ranges.add(new int[] {lo, hi});
        }
        return CharSet.of(ranges, negated);
    }

    /** One character of a literal or class: itself, or an escape as llama.cpp's parse_char reads them. */
    private int parseChar() {
        if (pos >= src.length()) {
            throw error("unexpected end of grammar");
        }
        int c = src.codePointAt(pos);
        if (c != '\\') {
            pos += Character.charCount(c);
            return c;
        }
        if (pos + 1 >= src.length()) {
            throw error("unfinished escape");
        }
        char e = src.charAt(pos + 1);
        int hex = switch (e) {
            case 'x' -> 2;
            case 'u' -> 4;
            case 'U' -> 8;
            default -> 0;
        };
        if (hex > 0) {
            int start = pos + 2;
            if (start + hex > src.length()) {
                throw error("expected " + hex + " hex digits after \\" + e);
            }
            int value;
            try {
                value = Integer.parseUnsignedInt(src, start, start + hex, 16);
            } catch (NumberFormatException bad) {
                throw error("expected " + hex + " hex digits after \\" + e);
            }
            if (value < 0 || value > CharSet.MAX) {
                throw error("code point out of range");
            }
            pos = start + hex;
            return value;
        }
        pos += 2;
        return switch (e) {
            case 't' -> '\t';
            case 'r' -> '\r';
            case 'n' -> '\n';
            case '\\', '"', '[', ']', '-' -> e;
            default -> throw error(pos - 2, "unknown escape '\\" + e + "'");
        };
    }

    private String parseName() {
        int start = pos;
        while (pos < src.length() && isWordChar(src.charAt(pos))) {
            pos++;
        }
        if (start == pos) {
            throw error("expected a rule name");
        }
        return src.substring(start, pos);
    }

    /** Skips blanks and # comments; newlines too when {@code newlines}. */
    private void skipSpace(boolean newlines) {
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (c == '#') {
                while (pos < src.length() && src.charAt(pos) != '\n' && src.charAt(pos) != '\r') {
                    pos++;
                }
            } else if (c == ' ' || c == '\t' || (newlines && (c == '\n' || c == '\r'))) {
                pos++;
            } else {
                return;
            }
        }
    }

    private static boolean isWordChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }

    private int ruleId(String name, int at) {
        Integer id = ids.get(name);
        if (id != null) {
            return id;
        }
        ids.put(name, names.size());
        names.add(name);
        bodies.add(null);
        firstUse.add(at);
        return names.size() - 1;
    }

    private int newRule(String base) {
        String name;
        int n = names.size();
        do {
            name = base + "_" + n++;
        } while (ids.containsKey(name));
        return ruleId(name, pos);
    }

    private int set(CharSet s) {
        if (s.isEmpty()) {
            throw error("the character class matches no character");
        }
        return setIds.computeIfAbsent(s, k -> {
            sets.add(k);
            return sets.size() - 1;
        });
    }

    private static int[] toArray(List<Integer> list) {
        return list.stream().mapToInt(Integer::intValue).toArray();
    }

    private GrammarException error(String message) {
        return error(pos, message);
    }

    private GrammarException error(int at, String message) {
        int line = 1;
        int col = 1;
        for (int i = 0; i < at && i < src.length(); i++) {
            if (src.charAt(i) == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        return new GrammarException("grammar line " + line + ", column " + col + ": " + message);
    }
}
