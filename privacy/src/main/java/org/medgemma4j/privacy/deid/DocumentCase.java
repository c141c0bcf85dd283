package org.medgemma4j.privacy.deid;

/**
 * Whether a text is written in mixed case, where a capital letter means something, or all in capitals or
 * all in lower case, where it means nothing (many nursing notes are one or the other).
 */
final class DocumentCase {

    private DocumentCase() {
    }

    static boolean isMixed(Tokens tokens) {
        int upper = 0;
        int lower = 0;
        for (Token t : tokens.list()) {
            if (!t.isWord() || t.text().length() < 2) {
                continue;
            }
            if (t.isAllCaps()) {
                upper++;
            } else if (Character.isLowerCase(t.text().charAt(0))) {
                lower++;
            }
        }
        int words = upper + lower;
        // Mixed: lower-case words dominate but do not make up nearly everything (all-lower notes have ~no capitals).
        return words > 0 && lower > words * 0.4 && hasTitleCase(tokens);
    }

    private static boolean hasTitleCase(Tokens tokens) {
        int title = 0;
        int words = 0;
        for (Token t : tokens.list()) {
            if (t.isWord() && t.text().length() >= 2) {
                words++;
                if (t.isTitleCase()) {
                    title++;
                }
            }
        }
        return title >= Math.max(1, words / 40);
    }
}
