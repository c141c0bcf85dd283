package org.medgemma4j.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.medgemma4j.gguf.GgufException;
import org.medgemma4j.gguf.GgufFile;

/** What a pulled model must pass before it takes its name in the store: it opens as GGUF. */
final class GgufCheck implements Downloader.ContentCheck {

    @Override
    public void check(Path file, String name) throws IOException {
        try {
            if (name.matches(".*-\\d{5}-of-\\d{5}\\.gguf")) {
                checkMagic(file); // one part of a split model cannot be opened alone (its split.count names the others)
            } else {
                GgufFile.open(file).close(); // parses the header and checks every tensor lies within the file
            }
        } catch (GgufException e) {
            throw new StoreException("is not a usable GGUF file (" + e.getMessage() + ")", e);
        }
    }

    private static void checkMagic(Path file) throws IOException {
        byte[] magic = new byte[4];
        try (InputStream in = Files.newInputStream(file)) {
            if (in.readNBytes(magic, 0, 4) != 4 || !new String(magic, StandardCharsets.US_ASCII).equals("GGUF")) {
                throw new GgufException(file, "not a GGUF file (no GGUF magic at the start)");
            }
        }
    }
}
