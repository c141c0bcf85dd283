package org.medgemma4j.retrieval;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.function.LongConsumer;

/** Reads one kind of file into passages, streaming: nothing holds a whole large file in memory. */
public interface DocumentReader {

    /**
     * Sends every document in {@code file} to {@code sink}; {@code bytesRead} hears how many bytes of the
     * file were consumed since its last call (for a progress bar). Bad content throws an IOException that
     * names the file and, where known, the line.
     */
    void read(Path file, String source, PassageSink sink, LongConsumer bytesRead) throws IOException;

    /** The reader for a file, chosen by its name, or empty when the format is not one we read. */
    static Optional<DocumentReader> forFile(Path file, Chunker chunker) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".xml") || name.endsWith(".xml.gz")) {
            return Optional.of(new PubmedXmlReader(chunker));
        }
        if (name.endsWith(".json")) {
            return Optional.of(new PubmedQaReader(chunker));
        }
        if (name.endsWith(".txt") || name.endsWith(".md") || name.endsWith(".markdown") || name.endsWith(".text")) {
            return Optional.of(new PlainTextReader(chunker));
        }
        if (name.endsWith(".pdf")) {
            return Optional.of(new PdfReader(chunker));
        }
        return Optional.empty();
    }

    /** The formats, for messages. */
    String FORMATS = "PubMed/MEDLINE XML (.xml, .xml.gz), PubMedQA JSON (.json), text and Markdown (.txt, .md), PDF (.pdf)";
}
