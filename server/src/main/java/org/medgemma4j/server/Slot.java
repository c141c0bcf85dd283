package org.medgemma4j.server;

import org.medgemma4j.generate.Sequence;

/** One of the scheduler's sequences with the job it is serving, if any. */
final class Slot {

    final Sequence sequence;
    Job job;
    /** When the slot last took a job; the least recently used free slot is reused first. */
    long lastUsed;

    Slot(Sequence sequence) {
        this.sequence = sequence;
    }

    boolean free() {
        return job == null;
    }
}
