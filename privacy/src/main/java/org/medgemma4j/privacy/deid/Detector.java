package org.medgemma4j.privacy.deid;

import java.util.List;

/** One way of finding PHI: patterns, names, places. */
interface Detector {

    /** The spans this detector finds in {@code tokens}' text, in any order, overlaps allowed. */
    List<PhiSpan> find(Tokens tokens);
}
