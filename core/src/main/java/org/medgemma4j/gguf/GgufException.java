package org.medgemma4j.gguf;

import java.io.IOException;
import java.nio.file.Path;

/** A GGUF file that cannot be read: the message names the file and what is wrong with it. */
public class GgufException extends IOException {

    public GgufException(Path file, String problem) {
        super(file + ": " + problem);
    }

    public GgufException(String message) {
        super(message);
    }
}
