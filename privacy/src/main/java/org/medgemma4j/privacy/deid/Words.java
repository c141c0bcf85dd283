package org.medgemma4j.privacy.deid;

import java.util.Arrays;
import java.util.Set;

/** Word sets written in code; unlike Set.of, a word listed twice is no error. */
final class Words {

    private Words() {
    }

    static Set<String> of(String... words) {
        return Set.copyOf(Arrays.asList(words));
    }
}
