package org.medgemma4j.privacy.deid;

import java.util.Locale;

/** What de-identification writes: tags in place of PHI, fake values, or the text unchanged (spans only). */
public enum DeidMode {
    REDACT, SURROGATE, SPANS;

    public static DeidMode parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "redact" -> REDACT;
            case "surrogate" -> SURROGATE;
            case "spans" -> SPANS;
            default -> throw new IllegalArgumentException("--mode must be redact, surrogate or spans, got '" + s + "'");
        };
    }
}
