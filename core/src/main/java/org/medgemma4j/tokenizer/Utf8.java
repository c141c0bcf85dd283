package org.medgemma4j.tokenizer;

/**
 * UTF-8 decoding that replaces each maximal invalid subsequence with one U+FFFD (the Unicode
 * recommendation, and what Python's errors="replace" does to llama.cpp's bytes). Java's own decoder
 * replaces some sequences (encoded surrogates, overlong forms) differently, so it is not used.
 */
final class Utf8 {

    static final char REPLACEMENT = '\uFFFD';

    private Utf8() {
    }

    /**
     * Appends the characters complete in {@code bytes[0, length)}; returns how many bytes were used.
     * The rest, if any, is the valid start of a character cut off by the end.
     */
    static int decodeComplete(byte[] bytes, int length, StringBuilder out) {
        int i = 0;
        while (i < length) {
            int lead = bytes[i] & 0xFF;
            int need = lead < 0x80 ? 1 : lead < 0xC2 ? 0 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : lead < 0xF5 ? 4 : 0;
            if (need == 0) {
                out.append(REPLACEMENT);
                i++;
                continue;
            }
            int cp = need == 1 ? lead : lead & (0xFF >> (need + 1));
            int k = 1;
            for (; k < need && i + k < length; k++) {
                int b = bytes[i + k] & 0xFF;
                if (!continues(lead, k, b)) {
                    break;
                }
                cp = cp << 6 | (b & 0x3F);
            }
            if (k == need) {
                out.appendCodePoint(cp);
                i += need;
            } else if (i + k == length) {
                return i;
            } else {
                out.append(REPLACEMENT);
                i += k;
            }
        }
        return i;
    }

    /** The text of {@code bytes}; a character cut off by the end becomes one U+FFFD. */
    static String decode(byte[] bytes, int length) {
        StringBuilder out = new StringBuilder(length);
        if (decodeComplete(bytes, length, out) < length) {
            out.append(REPLACEMENT);
        }
        return out.toString();
    }

    // Whether b can be the k-th byte after this lead; the second byte's range excludes overlong
    // forms, surrogates and code points above U+10FFFF (Unicode table 3-7).
    private static boolean continues(int lead, int k, int b) {
        if (k == 1) {
            return switch (lead) {
                case 0xE0 -> b >= 0xA0 && b <= 0xBF;
                case 0xED -> b >= 0x80 && b <= 0x9F;
                case 0xF0 -> b >= 0x90 && b <= 0xBF;
                case 0xF4 -> b >= 0x80 && b <= 0x8F;
                default -> b >= 0x80 && b <= 0xBF;
            };
        }
        return b >= 0x80 && b <= 0xBF;
    }
}
