package org.medgemma4j.gguf;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;

/**
 * A GGUF file's header without its tensor data: enough to plan for a file before downloading it (read
 * its first bytes with an HTTP Range request, and more while {@link GgufIncompleteException} says so).
 *
 * @param name what the file is called in messages (a path or a URL)
 */
public record GgufHeader(Path name, long fileSize, int version, int alignment, GgufMetadata metadata,
                         List<GgufTensorInfo> tensors) {

    public GgufHeader {
        tensors = List.copyOf(tensors);
    }

    /** Parses the header from the first bytes of a file of {@code fileSize} bytes. */
    public static GgufHeader read(Path name, byte[] prefix, long fileSize) throws GgufException {
        GgufParser.Header h = GgufParser.parsePrefix(name, MemorySegment.ofArray(prefix), fileSize);
        return new GgufHeader(name, fileSize, h.version(), h.alignment(),
                new GgufMetadata(name, h.values(), h.types()), h.tensors());
    }

    /** The tensor with this name, or null. */
    public GgufTensorInfo tensor(String tensorName) {
        for (GgufTensorInfo t : tensors) {
            if (t.name().equals(tensorName)) {
                return t;
            }
        }
        return null;
    }
}
