package org.medgemma4j.privacy.deid;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Replaces PHI with realistic fake values: the same original gets the same surrogate throughout a note
 * (Dr. Healey stays one fake doctor), dates move by the patient's offset so intervals survive, ages over
 * 89 become "90+", numbers keep their length. Fake values are chosen by a keyed hash of the original, so
 * a run with the same key is reproducible and the original cannot be read back without the key.
 */
public final class Surrogates {

    private static final List<String> FIRST = List.of("Alex", "Jordan", "Taylor", "Morgan", "Casey", "Riley", "Jamie", "Avery",
            "Quinn", "Rowan", "Harper", "Emerson", "Sawyer", "Reese", "Dakota", "Skyler");
    private static final List<String> LAST = List.of("Abbott", "Barlow", "Carver", "Dalton", "Ellison", "Fairchild", "Garrison",
            "Hollis", "Irwin", "Jessup", "Kendrick", "Langley", "Merritt", "Norwood", "Oakley", "Pruitt", "Quimby", "Radcliffe",
            "Sterling", "Thorne", "Underwood", "Vance", "Whitaker", "Yardley");
    private static final List<String> TOWNS = List.of("Fairview", "Riverton", "Lakewood", "Milford", "Ashland", "Georgetown",
            "Clinton", "Greenville", "Salem", "Franklin", "Madison", "Oxford");
    private static final List<String> STREETS = List.of("Maple Street", "Oak Avenue", "Cedar Lane", "Pine Road", "Elm Court",
            "Birch Drive", "Walnut Way", "Spruce Terrace");

    private final String key;
    private final DateShifter dates;
    private final Map<String, String> chosen = new HashMap<>();

    /**
     * @param key        a secret for this data set or patient: it picks the fake values and the date offset
     * @param patientId  the patient the note belongs to: all their notes share one date offset
     */
    public Surrogates(String key, String patientId) {
        this.key = key;
        // Between 30 and 395 days back: far enough to hide the date, near enough to keep seasons plausible.
        this.dates = new DateShifter(-(30 + (int) Long.remainderUnsigned(hash("date-offset", patientId), 366)));
    }

    public int dateOffsetDays() {
        return dates.offsetDays();
    }

    /** The text with each span replaced by its surrogate. */
    public String apply(String text, List<PhiSpan> spans) {
        return Replacer.replace(text, spans, (s, original) -> surrogate(s.category(), original));
    }

    String surrogate(PhiCategory category, String original) {
        String norm = original.toLowerCase(Locale.ROOT).strip();
        return chosen.computeIfAbsent(category + "\u0000" + norm, k -> switch (category) {
            case NAME -> sameCase(original, original.strip().length() == 1 ? pick(LAST, norm).substring(0, 1) : pickName(norm));
            case DATE -> dates.shift(original.strip()).orElse(PhiCategory.DATE.tag());
            case AGE -> "90+";
            case PHONE -> fakeDigits(original, norm, "555");
            case EMAIL -> pick(FIRST, norm).toLowerCase(Locale.ROOT) + "." + pick(LAST, norm + "e").toLowerCase(Locale.ROOT) + "@example.org";
            case SSN -> "000-00-" + String.format("%04d", Long.remainderUnsigned(hash("ssn", norm), 10000));
            case ID -> fakeDigits(original, norm, "");
            case ADDRESS -> (1 + Long.remainderUnsigned(hash("no", norm), 899)) + " " + pick(STREETS, norm);
            case LOCATION -> sameCase(original, pick(TOWNS, norm));
            case ZIP -> "00000";
            case FACILITY -> sameCase(original, pick(LAST, norm) + " Hospital");
            case URL -> "https://example.org/" + Long.toHexString(hash("url", norm) & 0xffffff);
            case IP -> "192.0.2." + (1 + Long.remainderUnsigned(hash("ip", norm), 254));
        });
    }

    // Names whose first letter alone is a first name in the lists stay first names; the rest become surnames.
    private String pickName(String norm) {
        return Lexicon.bundled().isFirstName(norm) ? pick(FIRST, norm) : pick(LAST, norm);
    }

    /** Keeps every non-digit, replaces digits with a keyed pseudo-random sequence (the format survives). */
    private String fakeDigits(String original, String norm, String prefix) {
        StringBuilder out = new StringBuilder();
        long h = hash("digits", norm);
        int digitsSeen = 0;
        int totalDigits = (int) original.chars().filter(Character::isDigit).count();
        for (int i = 0; i < original.length(); i++) {
            char c = original.charAt(i);
            if (Character.isDigit(c)) {
                // 10-digit numbers get 555 after the area code: a fictional exchange.
                if (!prefix.isEmpty() && totalDigits == 10 && digitsSeen >= 3 && digitsSeen < 6) {
                    out.append(prefix.charAt(digitsSeen - 3));
                } else {
                    out.append((char) ('0' + Long.remainderUnsigned(h >>> (digitsSeen * 3 % 60), 10)));
                }
                digitsSeen++;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private String pick(List<String> from, String norm) {
        return from.get((int) Long.remainderUnsigned(hash("pick", norm), from.size()));
    }

    private static String sameCase(String original, String fake) {
        if (original.equals(original.toUpperCase(Locale.ROOT)) && original.chars().anyMatch(Character::isLetter)) {
            return fake.toUpperCase(Locale.ROOT);
        }
        if (original.equals(original.toLowerCase(Locale.ROOT))) {
            return fake.toLowerCase(Locale.ROOT);
        }
        return fake;
    }

    private long hash(String purpose, String value) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            byte[] h = d.digest((key + "\u0000" + purpose + "\u0000" + value).getBytes(StandardCharsets.UTF_8));
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (h[i] & 0xff);
            }
            return v;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
