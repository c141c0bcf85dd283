package org.medgemma4j.gguf;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A GGUF model file, memory-mapped: the header is parsed once, tensor data stays in the page cache
 * and is handed out as slices of the mapping (never copied onto the Java heap). A model split into
 * parts ({@code name-00001-of-00003.gguf}) opens as one file from any of its parts.
 */
public final class GgufFile implements AutoCloseable {

    private static final Pattern SPLIT = Pattern.compile("(.*)-(\\d{5})-of-(\\d{5})\\.gguf");

    private final Path path;
    private final Arena arena;
    private final List<MemorySegment> parts;
    private final List<Path> partPaths;
    private final int version;
    private final int alignment;
    private final GgufMetadata metadata;
    private final List<GgufTensorInfo> tensors;
    private final Map<String, GgufTensorInfo> byName;

    private GgufFile(Path path, Arena arena, List<Path> partPaths, List<MemorySegment> parts,
                     List<GgufParser.Header> headers) throws GgufException {
        this.path = path;
        this.arena = arena;
        this.partPaths = List.copyOf(partPaths);
        this.parts = List.copyOf(parts);
        GgufParser.Header first = headers.getFirst();
        this.version = first.version();
        this.alignment = first.alignment();
        this.metadata = new GgufMetadata(partPaths.getFirst(), first.values(), first.types());
        List<GgufTensorInfo> all = new ArrayList<>();
        Map<String, GgufTensorInfo> names = new LinkedHashMap<>();
        for (int i = 0; i < headers.size(); i++) {
            for (GgufTensorInfo t : headers.get(i).tensors()) {
                if (names.putIfAbsent(t.name(), t) != null) {
                    throw new GgufException(partPaths.get(i), "tensor " + t.name() + " appears in more than one part");
                }
                all.add(t);
            }
        }
        this.tensors = Collections.unmodifiableList(all);
        this.byName = Collections.unmodifiableMap(names);
    }

    /** Opens and validates a GGUF file (or every part of a split one). */
    public static GgufFile open(Path path) throws GgufException {
        List<Path> partPaths = partsOf(path);
        Arena arena = Arena.ofShared();
        try {
            List<MemorySegment> segments = new ArrayList<>();
            List<GgufParser.Header> headers = new ArrayList<>();
            for (int i = 0; i < partPaths.size(); i++) {
                MemorySegment seg = map(partPaths.get(i), arena);
                segments.add(seg);
                headers.add(GgufParser.parse(partPaths.get(i), seg, i));
            }
            checkSplitKeys(partPaths, headers);
            return new GgufFile(path, arena, partPaths, segments, headers);
        } catch (GgufException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static MemorySegment map(Path p, Arena arena) throws GgufException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            if (Files.isDirectory(p)) {
                throw new GgufException(p, "is a directory, not a GGUF file");
            }
            long size = ch.size();
            if (size == 0) {
                throw new GgufException(p, "is empty, not a GGUF file");
            }
            return ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
        } catch (NoSuchFileException e) {
            throw new GgufException(p, "no such file");
        } catch (AccessDeniedException e) {
            throw new GgufException(p, "permission denied");
        } catch (GgufException e) {
            throw e;
        } catch (IOException e) {
            throw new GgufException(p, "cannot read: " + e.getMessage());
        }
    }

    /** The file itself, or all parts of a split model named in llama.cpp's gguf-split style. */
    private static List<Path> partsOf(Path path) throws GgufException {
        Path name = path.getFileName(); // null for a root folder
        Matcher m = SPLIT.matcher(name == null ? "" : name.toString());
        if (!m.matches()) {
            return List.of(path);
        }
        int count = Integer.parseInt(m.group(3));
        if (count < 1 || Integer.parseInt(m.group(2)) < 1 || Integer.parseInt(m.group(2)) > count) {
            throw new GgufException(path, "split file name has an invalid part number");
        }
        List<Path> parts = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            Path part = path.resolveSibling(String.format("%s-%05d-of-%05d.gguf", m.group(1), i, count));
            if (!Files.exists(part)) {
                throw new GgufException(path, "part " + i + " of " + count + " is missing (" + part.getFileName() + ")");
            }
            parts.add(part);
        }
        return parts;
    }

    /** split.no / split.count, where present, must agree with the file names. */
    private static void checkSplitKeys(List<Path> paths, List<GgufParser.Header> headers) throws GgufException {
        for (int i = 0; i < headers.size(); i++) {
            Map<String, Object> v = headers.get(i).values();
            Object no = v.get("split.no");
            Object count = v.get("split.count");
            if (no instanceof Long n && n != i) {
                throw new GgufException(paths.get(i), "split.no is " + n + " but the file name says part " + (i + 1));
            }
            if (count instanceof Long c && c != headers.size()) {
                throw new GgufException(paths.get(i), "split.count is " + c + " but " + headers.size() + " parts were found");
            }
            if (headers.size() > 1 && count == null) {
                throw new GgufException(paths.get(i), "is named as a split part but has no split.count key");
            }
        }
    }

    /** The path the file was opened with. */
    public Path path() {
        return path;
    }

    /** Every file holding this model: one, or each part of a split model. */
    public List<Path> partPaths() {
        return partPaths;
    }

    public int version() {
        return version;
    }

    public int alignment() {
        return alignment;
    }

    public GgufMetadata metadata() {
        return metadata;
    }

    /** Tensors in file order (part by part). */
    public List<GgufTensorInfo> tensors() {
        return tensors;
    }

    /** The tensor with this name, or null. */
    public GgufTensorInfo tensor(String name) {
        return byName.get(name);
    }

    /** The tensor with this name; an error naming the file and the tensor when it is absent. */
    public GgufTensorInfo requireTensor(String name) throws GgufException {
        GgufTensorInfo t = byName.get(name);
        if (t == null) {
            throw new GgufException(path, "required tensor " + name + " is missing");
        }
        return t;
    }

    /** The tensor's bytes as a read-only slice of the mapping. */
    public MemorySegment data(GgufTensorInfo tensor) {
        return parts.get(tensor.part()).asSlice(tensor.dataOffset(), tensor.byteSize());
    }

    /** Total bytes of all parts on disk. */
    public long fileBytes() {
        return parts.stream().mapToLong(MemorySegment::byteSize).sum();
    }

    /** Unmaps the file; slices handed out before become unusable. */
    @Override
    public void close() {
        arena.close();
    }
}
