package org.medgemma4j.privacy.deid;

import java.util.List;

/** Replaces each span with its category's tag: "seen by [NAME] on [DATE]". */
public final class Redactor {

    private Redactor() {
    }

    public static String redact(String text, List<PhiSpan> spans) {
        return Replacer.replace(text, spans, (s, original) -> s.category().tag());
    }
}
