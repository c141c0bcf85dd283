package org.medgemma4j.gguf;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.medgemma4j.tensor.GgmlType;

/**
 * Reads the header of one GGUF file (one part of a split model) from its mapped bytes. Every count,
 * length and offset is checked against the bytes that are actually there before anything is
 * allocated, so a corrupt or hostile file fails with a message instead of an OutOfMemoryError.
 */
final class GgufParser {

    static final int MAGIC = 0x46554747; // "GGUF" read little-endian
    static final int DEFAULT_ALIGNMENT = 32;
    static final int MAX_DIMS = 4; // GGML_MAX_DIMS
    static final int MAX_NAME = 64; // GGML_MAX_NAME, including the terminating zero in ggml
    /**
     * Heap the decoded metadata may take. The file size alone does not bound it: a one-byte UINT8 is
     * held as an 8-byte long and an empty string as an object of some 48 bytes. A Gemma 3 vocabulary
     * of 262k tokens takes about 20 MiB.
     */
    static final long MAX_METADATA_HEAP = 256L << 20;
    /** llama.cpp refuses arrays of arrays; we read a few levels, but a deep chain must not overflow the stack. */
    static final int MAX_ARRAY_NESTING = 8;

    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** What one file's header says. */
    record Header(int version, Map<String, Object> values, Map<String, GgufValueType> types,
                  List<GgufTensorInfo> tensors, int alignment, long dataStart) {
    }

    private final Path file;
    private final MemorySegment bytes;
    /** The file's size: what counts, lengths and tensor data are checked against. */
    private final long size;
    /** The bytes at hand: the whole file, or only its beginning when reading a remote header. */
    private final long available;
    private long pos;
    private long heap;
    private String reading = "header";

    private GgufParser(Path file, MemorySegment bytes, long size) {
        this.file = file;
        this.bytes = bytes;
        this.size = size;
        this.available = bytes.byteSize();
    }

    static Header parse(Path file, MemorySegment bytes, int part) throws GgufException {
        return new GgufParser(file, bytes, bytes.byteSize()).header(part);
    }

    /**
     * Parses the header of a file of {@code size} bytes from its first bytes only; throws
     * {@link GgufIncompleteException} when they end before the header does.
     */
    static Header parsePrefix(Path file, MemorySegment prefix, long size) throws GgufException {
        if (prefix.byteSize() > size) {
            throw new GgufException(file, "has " + prefix.byteSize() + " bytes at hand but a size of " + size);
        }
        return new GgufParser(file, prefix, size).header(0);
    }

    private Header header(int part) throws GgufException {
        if (size >= 4 && available < 4) {
            throw new GgufIncompleteException(file, 4);
        }
        if (size < 4 || bytes.get(I32, 0) != MAGIC) {
            throw fail("not a GGUF file (no GGUF magic at the start)");
        }
        pos = 4;
        reading = "version";
        int version = u32();
        if (version == 1) {
            throw fail("GGUF version 1 is no longer supported (convert it again with a current llama.cpp)");
        }
        if (version != 2 && version != 3) {
            throw fail(Integer.reverseBytes(version) == 2 || Integer.reverseBytes(version) == 3
                    ? "big-endian GGUF files are not supported"
                    : "unsupported GGUF version " + Integer.toUnsignedString(version) + " (supported: 2, 3)");
        }
        reading = "the header";
        long tensorCount = count(GgufParser.minTensorInfoBytes(), "tensor count");
        long kvCount = count(8 + 4 + 1, "metadata count");

        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, GgufValueType> types = new LinkedHashMap<>();
        for (long i = 0; i < kvCount; i++) {
            reading = "metadata key #" + i;
            String key = string();
            if (key.isEmpty()) {
                throw fail("metadata key #" + i + " is empty");
            }
            if (values.containsKey(key)) {
                throw fail("duplicate metadata key " + key);
            }
            reading = "metadata " + key;
            GgufValueType type = valueType();
            values.put(key, value(type));
            types.put(key, type);
        }

        int alignment = DEFAULT_ALIGNMENT;
        Object a = values.get("general.alignment");
        if (a != null) {
            if (types.get("general.alignment") != GgufValueType.UINT32) {
                throw fail("general.alignment must be UINT32, not " + types.get("general.alignment"));
            }
            long al = (Long) a;
            if (al == 0 || (al & (al - 1)) != 0 || al > (1 << 30)) {
                throw fail("general.alignment " + al + " is not a power of two");
            }
            alignment = (int) al;
        }

        List<RawTensor> raw = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (long i = 0; i < tensorCount; i++) {
            reading = "tensor info #" + i;
            RawTensor t = tensorInfo();
            if (!names.add(t.name)) {
                throw fail("duplicate tensor name " + t.name);
            }
            raw.add(t);
        }

        long dataStart = pad(pos, alignment);
        if (tensorCount > 0 && dataStart > size) {
            throw fail("file ends before its tensor data section (truncated?)");
        }
        List<GgufTensorInfo> tensors = new ArrayList<>(raw.size());
        for (RawTensor t : raw) {
            if (t.offset % alignment != 0) {
                throw fail("tensor " + t.name + " has offset " + t.offset + ", not a multiple of the alignment " + alignment);
            }
            long bytesNeeded = t.type.bytesFor(t.elements);
            if (t.offset > size - dataStart || bytesNeeded > size - dataStart - t.offset) {
                throw fail("tensor " + t.name + " data (" + bytesNeeded + " bytes at offset " + t.offset
                        + ") lies beyond the end of the file (" + size + " bytes; truncated?)");
            }
            tensors.add(new GgufTensorInfo(t.name, t.type, t.dims, part, dataStart + t.offset));
        }
        return new Header(version, values, types, tensors, alignment, dataStart);
    }

    private record RawTensor(String name, GgmlType type, long[] dims, long elements, long offset) {
    }

    private RawTensor tensorInfo() throws GgufException {
        String name = string();
        if (name.getBytes(StandardCharsets.UTF_8).length >= MAX_NAME) {
            throw fail("tensor name is too long (" + name.length() + " characters, ggml allows " + (MAX_NAME - 1) + ")");
        }
        reading = "tensor " + name;
        long nDims = Integer.toUnsignedLong(u32());
        if (nDims < 1 || nDims > MAX_DIMS) {
            throw fail("tensor " + name + " has " + nDims + " dimensions (1 to " + MAX_DIMS + " allowed)");
        }
        long[] dims = new long[(int) nDims];
        long elements = 1;
        for (int d = 0; d < nDims; d++) {
            dims[d] = i64();
            if (dims[d] < 0) {
                throw fail("tensor " + name + " dimension " + d + " is negative (" + dims[d] + ")");
            }
            if (dims[d] != 0 && elements > Long.MAX_VALUE / dims[d]) {
                throw fail("tensor " + name + " has too many elements (shape overflows 64 bits)");
            }
            elements *= dims[d];
        }
        int typeId = u32();
        GgmlType type = GgmlType.byId(typeId);
        if (type == null) {
            throw fail("tensor " + name + " has unknown ggml type " + Integer.toUnsignedString(typeId));
        }
        if (dims[0] % type.blockSize != 0) {
            throw fail("tensor " + name + " of type " + type.ggmlName() + " has rows of " + dims[0]
                    + " elements, not a multiple of the block size " + type.blockSize);
        }
        if (elements / type.blockSize > Long.MAX_VALUE / type.blockBytes) {
            throw fail("tensor " + name + " is too large");
        }
        long offset = i64();
        if (offset < 0) {
            throw fail("tensor " + name + " has a negative data offset");
        }
        return new RawTensor(name, type, dims, elements, offset);
    }

    private Object value(GgufValueType type) throws GgufException {
        return switch (type) {
            case UINT8 -> (long) Byte.toUnsignedInt(bytes.get(ValueLayout.JAVA_BYTE, take(1)));
            case INT8 -> (long) bytes.get(ValueLayout.JAVA_BYTE, take(1));
            case UINT16 -> (long) Short.toUnsignedInt(bytes.get(I16, take(2)));
            case INT16 -> (long) bytes.get(I16, take(2));
            case UINT32 -> Integer.toUnsignedLong(bytes.get(I32, take(4)));
            case INT32 -> (long) bytes.get(I32, take(4));
            case UINT64, INT64 -> bytes.get(I64, take(8));
            case FLOAT32 -> bytes.get(F32, take(4));
            case FLOAT64 -> bytes.get(F64, take(8));
            case BOOL -> bool();
            case STRING -> string();
            case ARRAY -> array(1);
        };
    }

    private boolean bool() throws GgufException {
        byte b = bytes.get(ValueLayout.JAVA_BYTE, take(1));
        if (b != 0 && b != 1) {
            throw fail("invalid boolean value " + b + " in " + reading);
        }
        return b == 1;
    }

    private GgufArray array(int depth) throws GgufException {
        if (depth > MAX_ARRAY_NESTING) {
            throw fail(reading + " has arrays nested more than " + MAX_ARRAY_NESTING + " deep");
        }
        GgufValueType type = valueType();
        long n = count(type.minBytes(), "array length");
        int len = (int) n; // count() bounds n by the remaining bytes, and arrays beyond int range are refused there
        charge(n * switch (type) {
            case FLOAT32 -> 4;
            case BOOL -> 1;
            default -> 8; // longs, doubles, references
        });
        return switch (type) {
            case FLOAT32 -> {
                float[] v = new float[len];
                MemorySegment.copy(bytes, F32, take(4L * len), v, 0, len);
                yield new GgufArray(type, v);
            }
            case FLOAT64 -> {
                double[] v = new double[len];
                MemorySegment.copy(bytes, F64, take(8L * len), v, 0, len);
                yield new GgufArray(type, v);
            }
            case BOOL -> {
                boolean[] v = new boolean[len];
                for (int i = 0; i < len; i++) {
                    v[i] = bool();
                }
                yield new GgufArray(type, v);
            }
            case STRING -> {
                String[] v = new String[len];
                for (int i = 0; i < len; i++) {
                    v[i] = string();
                }
                yield new GgufArray(type, v);
            }
            case ARRAY -> {
                GgufArray[] v = new GgufArray[len];
                for (int i = 0; i < len; i++) {
                    v[i] = array(depth + 1);
                }
                yield new GgufArray(type, v);
            }
            default -> {
                long[] v = new long[len];
                for (int i = 0; i < len; i++) {
                    v[i] = (Long) value(type);
                }
                yield new GgufArray(type, v);
            }
        };
    }

    private GgufValueType valueType() throws GgufException {
        int id = u32();
        GgufValueType type = GgufValueType.byId(id);
        if (type == null) {
            throw fail("unknown metadata value type " + Integer.toUnsignedString(id) + " in " + reading);
        }
        return type;
    }

    private String string() throws GgufException {
        long len = i64();
        if (len < 0 || len > size - pos) {
            throw fail("string length " + Long.toUnsignedString(len) + " in " + reading + " exceeds the "
                    + (size - pos) + " bytes left in the file");
        }
        charge(48 + len);
        byte[] b = new byte[(int) len]; // charge() keeps len far below 2^31
        MemorySegment.copy(bytes, ValueLayout.JAVA_BYTE, take(len), b, 0, b.length);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** A u64 count of items each taking at least minItemBytes: it must fit in the bytes that remain. */
    private long count(long minItemBytes, String what) throws GgufException {
        long n = i64();
        long remain = size - pos;
        if (n < 0 || n > Integer.MAX_VALUE - 8) {
            throw fail(what + " " + Long.toUnsignedString(n) + " in " + reading + " is absurd (corrupt file?)");
        }
        if (n * minItemBytes > remain) {
            throw fail(what + " " + n + " in " + reading + " needs at least " + n * minItemBytes
                    + " bytes, but only " + remain + " remain in the file (truncated?)");
        }
        return n;
    }

    /** Counts heap the metadata will take, refusing a header whose metadata would not fit in memory. */
    private void charge(long bytes) throws GgufException {
        heap += bytes;
        if (heap > MAX_METADATA_HEAP) {
            throw fail("metadata too large: " + reading + " would take the decoded metadata past "
                    + (MAX_METADATA_HEAP >> 20) + " MiB of memory");
        }
    }

    private static long minTensorInfoBytes() {
        return 8 + 4 + 8 + 4 + 8; // empty name, n_dims, one dim, type, offset
    }

    private int u32() throws GgufException {
        return bytes.get(I32, take(4));
    }

    private long i64() throws GgufException {
        return bytes.get(I64, take(8));
    }

    /** Claims n bytes at the current position, failing if the file ends first; returns their offset. */
    private long take(long n) throws GgufException {
        if (n > size - pos) {
            throw fail("file ends at byte " + size + " while reading " + reading + " (truncated?)");
        }
        if (n > available - pos) {
            throw new GgufIncompleteException(file, pos + n);
        }
        long at = pos;
        pos += n;
        return at;
    }

    private static long pad(long x, int alignment) {
        return (x + alignment - 1) / alignment * alignment;
    }

    private GgufException fail(String problem) {
        return new GgufException(file, problem);
    }
}
