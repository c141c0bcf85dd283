package org.medgemma4j.privacy.deid;

import java.util.Locale;

/**
 * A word or number of a text: letters (with inner apostrophes and hyphens, as in O'Rourke or
 * Retterer-Moore) or digits; punctuation is not a token.
 */
record Token(int start, int end, String text, int index) {

    String lower() {
        return text.toLowerCase(Locale.ROOT);
    }

    boolean isWord() {
        return Character.isLetter(text.charAt(0));
    }

    boolean isNumber() {
        return Character.isDigit(text.charAt(0));
    }

    /** One letter, as an initial is. */
    boolean isLetter() {
        return text.length() == 1 && Character.isLetter(text.charAt(0));
    }

    boolean isAllCaps() {
        boolean letter = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isLowerCase(c)) {
                return false;
            }
            letter |= Character.isLetter(c);
        }
        return letter;
    }

    /** First letter upper case, the rest lower (or apostrophes and hyphens): Smith, O'Rourke. */
    boolean isTitleCase() {
        if (!Character.isUpperCase(text.charAt(0)) || text.length() < 2) {
            return false;
        }
        for (int i = 1; i < text.length(); i++) {
            if (Character.isUpperCase(text.charAt(i)) && text.charAt(i - 1) != '\'' && text.charAt(i - 1) != '-') {
                return false;
            }
        }
        return true;
    }
}
