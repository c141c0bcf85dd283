package org.medgemma4j.privacy.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * An append-only JSON Lines file: one object per model call, so that a research result can say what was
 * run, on which file, with which settings. Holds hashes of prompts and answers; their text only when the
 * caller puts it there (--audit-text).
 */
public final class AuditLog {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;

    public AuditLog(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /**
     * Creates the file (and its folder) if it is missing and checks that lines can be appended, writing nothing:
     * called before a model loads or a server starts, so a wrong path fails at once, not after the first answer.
     */
    public void checkWritable() throws IOException {
        if (Files.isDirectory(file)) {
            throw new IOException(file + " is a folder, not an audit file");
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.write(file, new byte[0], StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    }

    /** Appends one record as one line. */
    public synchronized void append(Map<String, Object> record) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        String line = JSON.writeValueAsString(record) + "\n";
        Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                StandardOpenOption.WRITE);
    }
}
