package org.medgemma4j.cli;

import org.medgemma4j.store.fit.MemoryGuard;

/** The memory a command may use: --max-memory, else MEDGEMMA_MAX_MEMORY, else what the machine has available. */
record MemoryLimit(long budget, String source) {

    static MemoryLimit of(String option) {
        if (option != null) {
            return new MemoryLimit(MemoryGuard.budget(MemoryGuard.parseSize(option)), "--max-memory " + option);
        }
        return MemoryGuard.limitFromEnvironment()
                .map(l -> new MemoryLimit(MemoryGuard.budget(l), "MEDGEMMA_MAX_MEMORY"))
                .orElseGet(() -> new MemoryLimit(MemoryGuard.budget(null), null));
    }
}
