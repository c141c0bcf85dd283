package org.medgemma4j.structured;

import java.util.ArrayList;
import java.util.List;
import org.medgemma4j.grammar.CharSet;
import org.medgemma4j.grammar.GrammarException;

/**
 * GBNF for the JSON string contents (between the quotes) whose decoded value a JSON Schema {@code pattern}
 * matches in full. The common regex subset: literals, escapes, {@code .}, classes with ranges and
 * negation, \d \w \s (and \D \W \S outside classes), groups, {@code (?:)}, alternation, and the quantifiers
 * * + ? {n} {n,} {n,m} (lazy forms too). Lookaround, backreferences, word boundaries and anchors inside
 * the pattern are errors naming 'pattern'. A leading ^ and trailing $ are optional: the whole value always
 * matches, which satisfies the schema's search semantics too. Characters JSON must escape are written
 * escaped; other control characters, and a quote or backslash from {@code .} or a negated class, are
 * left out (a narrower language, never a wider one).
 */
final class RegexGbnf {

    /** What JSON may carry unescaped inside a string. */
    static final CharSet PLAIN = CharSet.of(List.of(new int[] {'"', '"'}, new int[] {'\\', '\\'},
            new int[] {0, 0x1F}, new int[] {0x7F, 0x7F}), true);
    private static final CharSet ESCAPABLE = CharSet.of(List.of(new int[] {'"', '"'}, new int[] {'\\', '\\'},
            new int[] {'\t', '\n'}, new int[] {'\r', '\r'}), false);

    private final String pattern;
    private final String re;
    private int pos;

    private RegexGbnf(String pattern) {
        this.pattern = pattern;
        int start = pattern.startsWith("^") ? 1 : 0;
        int end = pattern.length();
        if (end > start && pattern.endsWith("$") && !escaped(pattern, end - 1)) {
            end--;
        }
        this.re = pattern.substring(start, end);
    }

    static String convert(String pattern) {
        RegexGbnf r = new RegexGbnf(pattern);
        String out = r.alternation();
        if (r.pos < r.re.length()) {
            throw r.error("unbalanced ')'");
        }
        return out;
    }

    private String alternation() {
        List<String> alts = new ArrayList<>();
        alts.add(sequence());
        while (pos < re.length() && re.charAt(pos) == '|') {
            pos++;
            alts.add(sequence());
        }
        return alts.size() == 1 ? alts.getFirst() : "(" + String.join(" | ", alts) + ")";
    }

    private String sequence() {
        List<String> items = new ArrayList<>();
        while (pos < re.length() && re.charAt(pos) != '|' && re.charAt(pos) != ')') {
            String atom = atom();
            items.add(quantified(atom));
        }
        return items.isEmpty() ? "\"\"" : String.join(" ", items);
    }

    private String atom() {
        int c = re.codePointAt(pos);
        pos += Character.charCount(c);
        return switch (c) {
            case '(' -> group();
            case '[' -> charClass();
            case '.' -> classGbnf(PLAIN.minus(CharSet.of('\n')));
            case '\\' -> escape(false, null);
            case '^', '$' -> throw error("anchors are supported only at the pattern's start and end");
            case '*', '+', '?' -> throw error("'" + (char) c + "' has nothing before it to repeat");
            default -> literal(c);
        };
    }

    private String group() {
        if (re.startsWith("?:", pos)) {
            pos += 2;
        } else if (pos < re.length() && re.charAt(pos) == '?') {
            throw error("lookaround and named groups are not supported");
        }
        String inner = alternation();
        if (pos >= re.length() || re.charAt(pos) != ')') {
            throw error("missing ')'");
        }
        pos++;
        return "(" + inner + ")";
    }

    private String quantified(String atom) {
        if (pos >= re.length()) {
            return atom;
        }
        char c = re.charAt(pos);
        String q;
        if (c == '*' || c == '+' || c == '?') {
            pos++;
            q = String.valueOf(c);
        } else if (c == '{' && pos + 1 < re.length() && Character.isDigit(re.charAt(pos + 1))) {
            int close = re.indexOf('}', pos);
            if (close < 0 || !re.substring(pos + 1, close).matches("\\d{1,6}(,\\d{0,6})?")) {
                throw error("malformed repetition");
            }
            q = re.substring(pos, close + 1);
            pos = close + 1;
        } else {
            return atom;
        }
        if (pos < re.length() && re.charAt(pos) == '?') {
            pos++; // lazy: the same strings
        } else if (pos < re.length() && re.charAt(pos) == '+') {
            throw error("possessive quantifiers are not supported");
        }
        return atom + q;
    }

    /** An escape after the backslash: in a class, its ranges go to {@code into}; outside, its GBNF. */
    private String escape(boolean inClass, List<int[]> into) {
        if (pos >= re.length()) {
            throw error("the pattern ends in a backslash");
        }
        char e = re.charAt(pos++);
        List<int[]> ranges = switch (e) {
            case 'd', 'D' -> List.of(new int[] {'0', '9'});
            case 'w', 'W' -> List.of(new int[] {'a', 'z'}, new int[] {'A', 'Z'}, new int[] {'0', '9'}, new int[] {'_', '_'});
            case 's', 'S' -> List.of(new int[] {' ', ' '}, new int[] {'\t', '\n'}, new int[] {'\r', '\r'},
                    new int[] {0x0B, 0x0C});
            default -> null;
        };
        if (ranges != null) {
            boolean negated = Character.isUpperCase(e);
            if (inClass) {
                if (negated) {
                    throw error("\\" + e + " inside a character class is not supported");
                }
                into.addAll(ranges);
                return null;
            }
            return classGbnf(CharSet.of(ranges, negated));
        }
        int cp = switch (e) {
            case 'n' -> '\n';
            case 't' -> '\t';
            case 'r' -> '\r';
            case 'f' -> '\f';
            case 'v' -> 0x0B;
            case 'u' -> hex(4);
            case 'x' -> hex(2);
            default -> {
                if (Character.isLetterOrDigit(e)) {
                    throw error("the escape \\" + e + " (word boundaries, backreferences, ...) is not supported");
                }
                yield e;
            }
        };
        if (inClass) {
            into.add(new int[] {cp, cp});
            return null;
        }
        return literal(cp);
    }

    private int hex(int digits) {
        if (pos + digits > re.length()) {
            throw error("expected " + digits + " hex digits");
        }
        try {
            int v = Integer.parseInt(re, pos, pos + digits, 16);
            pos += digits;
            return v;
        } catch (NumberFormatException bad) {
            throw error("expected " + digits + " hex digits");
        }
    }

    private String charClass() {
        boolean negated = pos < re.length() && re.charAt(pos) == '^';
        if (negated) {
            pos++;
        }
        List<int[]> ranges = new ArrayList<>();
        boolean first = true;
        while (true) {
            if (pos >= re.length()) {
                throw error("unterminated character class");
            }
            char c = re.charAt(pos);
            if (c == ']' && !first) {
                pos++;
                break;
            }
            first = false;
            int lo = classChar(ranges);
            if (lo < 0) {
                continue;
            }
            if (pos + 1 < re.length() && re.charAt(pos) == '-' && re.charAt(pos + 1) != ']') {
                pos++;
                int hi = classChar(ranges);
                if (hi < 0 || hi < lo) {
                    throw error("bad character range");
                }
                ranges.add(new int[] {lo, hi});
            } else {
                ranges.add(new int[] {lo, lo});
            }
        }
        if (ranges.isEmpty()) {
            throw error("empty character class");
        }
        return classGbnf(CharSet.of(ranges, negated));
    }

    /** One class member: a code point, or -1 when it was a shorthand such as \d (added to ranges). */
    private int classChar(List<int[]> ranges) {
        int c = re.codePointAt(pos);
        pos += Character.charCount(c);
        if (c == '[' && pos < re.length() && re.charAt(pos) == ':') {
            throw error("POSIX classes are not supported");
        }
        if (c != '\\') {
            return c;
        }
        if (pos < re.length() && isShorthand(re.charAt(pos))) {
            escape(true, ranges);
            return -1;
        }
        List<int[]> single = new ArrayList<>();
        escape(true, single);
        return single.getFirst()[0];
    }

    private static boolean isShorthand(char c) {
        return "dDwWsS".indexOf(c) >= 0;
    }

    /** A set of decoded characters as JSON string text: the plain ones in a class, the rest escaped. */
    private String classGbnf(CharSet chars) {
        List<String> alts = new ArrayList<>();
        CharSet plain = chars.minus(chars.minus(PLAIN));
        if (!plain.isEmpty()) {
            StringBuilder sb = new StringBuilder("[");
            for (int[] p : plain.pairs()) {
                sb.append(classChar(p[0]));
                if (p[1] != p[0]) {
                    sb.append('-').append(classChar(p[1]));
                }
            }
            alts.add(sb.append(']').toString());
        }
        for (int[] p : chars.pairs()) {
            for (int cp = p[0]; cp <= Math.min(p[1], 0x7F); cp++) {
                if (ESCAPABLE.contains(cp)) {
                    alts.add(literal(cp));
                }
            }
        }
        if (alts.isEmpty()) {
            throw error("a character class allows only characters JSON strings cannot hold here");
        }
        return alts.size() == 1 ? alts.getFirst() : "(" + String.join(" | ", alts) + ")";
    }

    private static String classChar(int cp) {
        return Character.isLetterOrDigit(cp) && cp < 0x80 ? String.valueOf((char) cp) : String.format("\\U%08X", cp);
    }

    /** One decoded character as GBNF for its JSON text. */
    static String literal(int cp) {
        return JsonSchemaGbnf.gbnfLiteral(JsonSchemaGbnf.jsonStringText(new String(Character.toChars(cp))));
    }

    private static boolean escaped(String s, int i) {
        int backslashes = 0;
        while (i - 1 - backslashes >= 0 && s.charAt(i - 1 - backslashes) == '\\') {
            backslashes++;
        }
        return backslashes % 2 == 1;
    }

    private GrammarException error(String message) {
        return new GrammarException("unsupported 'pattern' " + pattern + ": " + message);
    }
}
