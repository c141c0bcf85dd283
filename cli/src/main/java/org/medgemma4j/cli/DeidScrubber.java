package org.medgemma4j.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.medgemma4j.privacy.deid.Deidentifier;
import org.medgemma4j.privacy.deid.Redactor;

/** Redacts PHI ({@code [NAME]}, {@code [DATE]}, ...) from text before a log keeps it: serve --deid. */
final class DeidScrubber implements UnaryOperator<String> {

    private final Deidentifier deidentifier;

    private DeidScrubber(Deidentifier deidentifier) {
        this.deidentifier = deidentifier;
    }

    static DeidScrubber standard() {
        try {
            return new DeidScrubber(Deidentifier.standard());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load the de-identification word lists: " + e.getMessage(), e);
        }
    }

    /** A chat template's control tokens (Gemma's {@code <bos>}, {@code <start_of_turn>} ...): markup, never PHI. */
    private static final Pattern CONTROL_TOKEN = Pattern.compile("<[a-z][a-z0-9_]*>");

    /**
     * The text with PHI redacted. A rendered prompt's control tokens are kept as they are and the text between
     * them de-identified piece by piece: read as words, {@code <bos>} looked like a name.
     */
    @Override
    public String apply(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(text.length());
        Matcher m = CONTROL_TOKEN.matcher(text);
        int at = 0;
        while (m.find()) {
            out.append(redact(text.substring(at, m.start()))).append(m.group());
            at = m.end();
        }
        return out.append(redact(text.substring(at))).toString();
    }

    private String redact(String piece) {
        return piece.isEmpty() ? piece : Redactor.redact(piece, deidentifier.find(piece));
    }
}
