package org.medgemma4j.structured;

import java.util.ArrayList;
import java.util.List;

/**
 * GBNF for the decimal integers in a range, written without leading zeros, at most 16 digits as
 * llama.cpp's integers. Long.MIN_VALUE / Long.MAX_VALUE stand for no bound. Digit strings of the same
 * length compare as numbers, so a range splits by length, then by the first digit that differs.
 */
final class IntegerRangeGbnf {

    static final long NO_MIN = Long.MIN_VALUE;
    static final long NO_MAX = Long.MAX_VALUE;
    private static final int MAX_DIGITS = 16;

    private IntegerRangeGbnf() {
    }

    /** An expression for the integers in [min, max]. */
    static String of(long min, long max) {
        if (max != NO_MAX && max < 0) {
            return "\"-\" (" + natural(-max, min == NO_MIN ? NO_MAX : -min) + ")";
        }
        if (min == NO_MIN || min < 0) {
            return "\"-\" (" + natural(1, min == NO_MIN ? NO_MAX : -min) + ") | " + natural(0, max);
        }
        return natural(min, max);
    }

    /** Non-negative integers in [lo, hi] (hi may be NO_MAX). */
    private static String natural(long lo, long hi) {
        String a = Long.toString(lo);
        int maxLength = hi == NO_MAX ? Math.max(MAX_DIGITS, a.length()) : Long.toString(hi).length();
        String b = hi == NO_MAX ? "9".repeat(maxLength) : Long.toString(hi);
        List<String> alts = new ArrayList<>();
        if (a.length() == b.length()) {
            alts.add(between(a, b));
        } else {
            alts.add(between(a, "9".repeat(a.length())));
            if (b.length() - a.length() > 1) {
                alts.add("[1-9] [0-9]{" + a.length() + "," + (b.length() - 2) + "}");
            }
            alts.add(between("1" + "0".repeat(b.length() - 1), b));
        }
        return String.join(" | ", alts);
    }

    /** Digit strings of one length from a to b (a <= b), as numbers. */
    private static String between(String a, String b) {
        int i = 0;
        while (i < a.length() && a.charAt(i) == b.charAt(i)) {
            i++;
        }
        if (i == a.length()) {
            return "\"" + a + "\"";
        }
        String prefix = i > 0 ? "\"" + a.substring(0, i) + "\" " : "";
        int rest = a.length() - i - 1;
        char lo = a.charAt(i);
        char hi = b.charAt(i);
        if (rest == 0) {
            return prefix + range(lo, hi);
        }
        List<String> alts = new ArrayList<>();
        alts.add("\"" + lo + "\" (" + between(a.substring(i + 1), "9".repeat(rest)) + ")");
        if (hi - lo > 1) {
            alts.add(range((char) (lo + 1), (char) (hi - 1)) + " [0-9]{" + rest + "}");
        }
        alts.add("\"" + hi + "\" (" + between("0".repeat(rest), b.substring(i + 1)) + ")");
        return prefix + "(" + String.join(" | ", alts) + ")";
    }

    private static String range(char lo, char hi) {
        return lo == hi ? "[" + lo + "]" : "[" + lo + "-" + hi + "]";
    }
}
