package org.medgemma4j.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.UnaryOperator;
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

    @Override
    public String apply(String text) {
        return text == null ? null : Redactor.redact(text, deidentifier.find(text));
    }
}
