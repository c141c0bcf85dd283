package org.medgemma4j.retrieval;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Plain text and Markdown (UTF-8): the title is the first Markdown heading, else the first short line,
 * else the file name; the text is cut into overlapping chunks that remember where they start.
 */
final class PlainTextReader implements DocumentReader {

    private final Chunker chunker;

    PlainTextReader(Chunker chunker) {
        this.chunker = chunker;
    }

    @Override
    public void read(Path file, String source, PassageSink sink, LongConsumer bytesRead) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IOException(file + ": not UTF-8 text", e);
        }
        if (text.indexOf('\0') >= 0) {
            throw new IOException(file + ": binary content, not text");
        }
        bytesRead.accept(bytes.length);
        String title = title(text, file);
        List<Chunker.Chunk> chunks = chunker.split(text);
        List<Passage> out = new ArrayList<>();
        for (int i = 0; i < chunks.size(); i++) {
            Chunker.Chunk c = chunks.get(i);
            out.add(new Passage(source + "#c" + i, source, null, title, null, "", List.of(), c.text(), null, i, chunks.size(), c.start()));
        }
        if (!out.isEmpty()) {
            sink.put(source, out);
        }
    }

    static String title(String text, Path file) {
        for (String line : text.lines().limit(40).toList()) {
            String t = line.strip();
            if (t.startsWith("#")) {
                return t.replaceFirst("^#+\\s*", "").strip();
            }
        }
        for (String line : text.lines().limit(5).toList()) {
            String t = line.strip();
            if (!t.isEmpty() && t.length() <= 150) {
                return t;
            }
        }
        return file.getFileName().toString();
    }
}
