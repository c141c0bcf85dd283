package org.medgemma4j.gguf;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.medgemma4j.tensor.GgmlType;

/**
 * Writes GGUF version 3 files: metadata in insertion order, then tensor infos and data at the
 * file's alignment, exactly as llama.cpp's gguf writer lays them out. The file is written under a
 * temporary name and moved into place when complete, so a failure never leaves a partial file.
 */
public final class GgufWriter {

    /** Streams a tensor's bytes; it must write exactly the tensor's byte size. */
    @FunctionalInterface
    public interface TensorSource {
        void writeTo(OutputStream out) throws IOException;
    }

    private record Entry(GgufValueType type, Object value) {
    }

    private record Tensor(String name, GgmlType type, long[] dims, long bytes, TensorSource source) {
    }

    private final Map<String, Entry> metadata = new LinkedHashMap<>();
    private final List<Tensor> tensors = new ArrayList<>();
    private int alignment = GgufParser.DEFAULT_ALIGNMENT;

    public GgufWriter putString(String key, String value) {
        return put(key, GgufValueType.STRING, value);
    }

    public GgufWriter putUInt32(String key, long value) {
        return put(key, GgufValueType.UINT32, value);
    }

    public GgufWriter putInt32(String key, int value) {
        return put(key, GgufValueType.INT32, (long) value);
    }

    public GgufWriter putUInt64(String key, long value) {
        return put(key, GgufValueType.UINT64, value);
    }

    public GgufWriter putFloat32(String key, float value) {
        return put(key, GgufValueType.FLOAT32, value);
    }

    public GgufWriter putBool(String key, boolean value) {
        return put(key, GgufValueType.BOOL, value);
    }

    public GgufWriter putStrings(String key, String[] values) {
        return put(key, GgufValueType.ARRAY, new GgufArray(GgufValueType.STRING, values.clone()));
    }

    public GgufWriter putFloats(String key, float[] values) {
        return put(key, GgufValueType.ARRAY, new GgufArray(GgufValueType.FLOAT32, values.clone()));
    }

    public GgufWriter putInt32s(String key, int[] values) {
        long[] v = new long[values.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = values[i];
        }
        return put(key, GgufValueType.ARRAY, new GgufArray(GgufValueType.INT32, v));
    }

    /**
     * Puts any value: Long for integer types, Float, Double, Boolean, String, or GgufArray. This is how
     * metadata read from one file is copied into another unchanged.
     */
    public GgufWriter put(String key, GgufValueType type, Object value) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("metadata key must not be empty");
        }
        if (key.equals("general.alignment")) {
            long a = (Long) value;
            if (type != GgufValueType.UINT32 || a <= 0 || (a & (a - 1)) != 0) {
                throw new IllegalArgumentException("general.alignment must be a UINT32 power of two");
            }
            alignment = (int) a;
        }
        metadata.put(key, new Entry(type, value));
        return this;
    }

    /** Adds a tensor whose bytes are in {@code data} (a heap array view or a mapped slice). */
    public GgufWriter addTensor(String name, GgmlType type, long[] dims, MemorySegment data) {
        long bytes = bytesOf(type, dims);
        if (data.byteSize() != bytes) {
            throw new IllegalArgumentException("tensor " + name + " needs " + bytes + " bytes, got " + data.byteSize());
        }
        return addTensor(name, type, dims, out -> {
            byte[] buf = new byte[1 << 20];
            for (long off = 0; off < bytes; off += buf.length) {
                int n = (int) Math.min(buf.length, bytes - off);
                MemorySegment.copy(data, ValueLayout.JAVA_BYTE, off, buf, 0, n);
                out.write(buf, 0, n);
            }
        });
    }

    /** Adds an F32 tensor from floats. */
    public GgufWriter addTensor(String name, long[] dims, float[] values) {
        return addTensor(name, GgmlType.F32, dims, MemorySegment.ofArray(values.clone()));
    }

    /** Adds a tensor whose bytes are streamed at write time (for tensors too large to hold). */
    public GgufWriter addTensor(String name, GgmlType type, long[] dims, TensorSource source) {
        for (Tensor t : tensors) {
            if (t.name.equals(name)) {
                throw new IllegalArgumentException("duplicate tensor name " + name);
            }
        }
        if (name.getBytes(StandardCharsets.UTF_8).length >= GgufParser.MAX_NAME) {
            throw new IllegalArgumentException("tensor name too long: " + name);
        }
        tensors.add(new Tensor(name, type, dims.clone(), bytesOf(type, dims), source));
        return this;
    }

    private static long bytesOf(GgmlType type, long[] dims) {
        if (dims.length < 1 || dims.length > GgufParser.MAX_DIMS) {
            throw new IllegalArgumentException("tensors have 1 to 4 dimensions");
        }
        if (dims[0] % type.blockSize != 0) {
            throw new IllegalArgumentException("rows of " + dims[0] + " are not whole " + type + " blocks");
        }
        long n = 1;
        for (long d : dims) {
            n = Math.multiplyExact(n, d);
        }
        return type.bytesFor(n);
    }

    /** Writes the file; the target appears only once it is complete. */
    public void write(Path target) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".partial");
        try {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20)) {
                writeTo(out);
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private void writeTo(OutputStream raw) throws IOException {
        CountingOutput out = new CountingOutput(raw);
        out.writeInt(GgufParser.MAGIC);
        out.writeInt(3);
        out.writeLong(tensors.size());
        out.writeLong(metadata.size());
        for (Map.Entry<String, Entry> e : metadata.entrySet()) {
            out.writeString(e.getKey());
            out.writeInt(e.getValue().type.id);
            writeValue(out, e.getValue().type, e.getValue().value);
        }
        long offset = 0;
        for (Tensor t : tensors) {
            out.writeString(t.name);
            out.writeInt(t.dims.length);
            for (long d : t.dims) {
                out.writeLong(d);
            }
            out.writeInt(t.type.id);
            out.writeLong(offset);
            offset = pad(offset + t.bytes);
        }
        out.padTo(alignment);
        for (Tensor t : tensors) {
            long start = out.count;
            t.source.writeTo(out);
            if (out.count - start != t.bytes) {
                throw new IOException("tensor " + t.name + " wrote " + (out.count - start) + " bytes, expected " + t.bytes);
            }
            out.padTo(alignment);
        }
    }

    private long pad(long x) {
        return (x + alignment - 1) / alignment * alignment;
    }

    private static void writeValue(CountingOutput out, GgufValueType type, Object v) throws IOException {
        switch (type) {
            case UINT8, INT8 -> out.write((int) (long) (Long) v);
            case UINT16, INT16 -> out.writeShort((int) (long) (Long) v);
            case UINT32, INT32 -> out.writeInt((int) (long) (Long) v);
            case UINT64, INT64 -> out.writeLong((Long) v);
            case FLOAT32 -> out.writeInt(Float.floatToRawIntBits((Float) v));
            case FLOAT64 -> out.writeLong(Double.doubleToRawLongBits((Double) v));
            case BOOL -> out.write((Boolean) v ? 1 : 0);
            case STRING -> out.writeString((String) v);
            case ARRAY -> {
                GgufArray a = (GgufArray) v;
                out.writeInt(a.elementType().id);
                out.writeLong(a.length());
                for (int i = 0; i < a.length(); i++) {
                    writeValue(out, a.elementType(), element(a, i));
                }
            }
        }
    }

    private static Object element(GgufArray a, int i) {
        return switch (a.values()) {
            case long[] v -> v[i];
            case float[] v -> v[i];
            case double[] v -> v[i];
            case boolean[] v -> v[i];
            case Object[] v -> v[i];
            default -> throw new IllegalArgumentException("unsupported array values " + a.values().getClass());
        };
    }

    /** Little-endian primitive output that counts bytes for alignment padding. */
    private static final class CountingOutput extends OutputStream {
        private final OutputStream out;
        private final ByteBuffer scratch = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        long count;

        CountingOutput(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }

        void writeShort(int v) throws IOException {
            write(scratch.clear().putShort((short) v).array(), 0, 2);
        }

        void writeInt(int v) throws IOException {
            write(scratch.clear().putInt(v).array(), 0, 4);
        }

        void writeLong(long v) throws IOException {
            write(scratch.clear().putLong(v).array(), 0, 8);
        }

        void writeString(String s) throws IOException {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            writeLong(b.length);
            write(b, 0, b.length);
        }

        void padTo(int alignment) throws IOException {
            while (count % alignment != 0) {
                write(0);
            }
        }
    }
}
