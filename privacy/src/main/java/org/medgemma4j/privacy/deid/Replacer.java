package org.medgemma4j.privacy.deid;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.BiFunction;

/** Rewrites a text span by span (spans sorted, not overlapping, as Deidentifier returns them). */
final class Replacer {

    private Replacer() {
    }

    static String replace(String text, List<PhiSpan> spans, BiFunction<PhiSpan, String, String> replacement) {
        List<PhiSpan> sorted = new ArrayList<>(spans);
        Collections.sort(sorted);
        StringBuilder out = new StringBuilder(text.length());
        int at = 0;
        for (PhiSpan s : sorted) {
            if (s.start() < at || s.end() > text.length()) {
                throw new IllegalArgumentException("spans must be inside the text and must not overlap: " + s);
            }
            out.append(text, at, s.start()).append(replacement.apply(s, s.text(text)));
            at = s.end();
        }
        return out.append(text, at, text.length()).toString();
    }
}
