package org.medgemma4j.gguf;

import java.nio.file.Path;

/** The bytes at hand end before the header does: read at least {@link #bytesNeeded()} and try again. */
public final class GgufIncompleteException extends GgufException {

    private final long bytesNeeded;

    GgufIncompleteException(Path file, long bytesNeeded) {
        super(file, "header continues past the first " + bytesNeeded + " bytes");
        this.bytesNeeded = bytesNeeded;
    }

    public long bytesNeeded() {
        return bytesNeeded;
    }
}
