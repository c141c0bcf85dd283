package org.medgemma4j.gguf;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.medgemma4j.tensor.GgmlType;

/**
 * A small valid GGUF file with several metadata types and tensors of different ggml types, plus a map
 * of where each header field lies in it, so tests can corrupt exactly one field.
 */
final class GgufTestFiles {

    private GgufTestFiles() {
    }

    /** Tensor names all have one length so one can be overwritten with another. */
    static final String[] TENSORS = {"t.a", "t.b", "t.c", "t.d"};

    /** A writer holding the test file's metadata (no tensors). */
    static GgufWriter metadata() {
        return new GgufWriter()
                .putString("general.architecture", "test")
                .putUInt32("general.alignment", 32)
                .put("test.u8", GgufValueType.UINT8, 200L)
                .put("test.i8", GgufValueType.INT8, -3L)
                .put("test.i16", GgufValueType.INT16, -300L)
                .putFloat32("test.f32", 0.5f)
                .putBool("test.flag", true)
                .putUInt64("test.u64", 1L << 40)
                .put("test.f64", GgufValueType.FLOAT64, 2.25)
                .putStrings("tokenizer.ggml.tokens", new String[] {"<pad>", "<eos>", "▁hello", "日本"})
                .putFloats("tokenizer.ggml.scores", new float[] {0, -1, -2, -3})
                .putInt32s("tokenizer.ggml.token_type", new int[] {3, 3, 1, 1});
    }

    /** Adds tensors TENSORS[from..to) with deterministic contents: F32, F16, Q8_0, Q4_K. */
    static GgufWriter tensors(GgufWriter w, int from, int to) {
        for (int i = from; i < to; i++) {
            GgmlType type = switch (i) {
                case 0 -> GgmlType.F32;
                case 1 -> GgmlType.F16;
                case 2 -> GgmlType.Q8_0;
                default -> GgmlType.Q4_K;
            };
            long[] dims = switch (i) {
                case 0 -> new long[] {8, 2};
                case 1 -> new long[] {32, 2, 1};
                case 2 -> new long[] {32, 3};
                default -> new long[] {256};
            };
            w.addTensor(TENSORS[i], type, dims, MemorySegment.ofArray(contents(i, type, dims)));
        }
        return w;
    }

    static byte[] contents(int tensor, GgmlType type, long[] dims) {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        byte[] b = new byte[(int) type.bytesFor(n)];
        new Random(tensor).nextBytes(b);
        return b;
    }

    static void writeValid(Path file) throws IOException {
        tensors(metadata(), 0, TENSORS.length).write(file);
    }

    /** Where the fields of a (valid) file's header lie. */
    record Layout(Map<String, Kv> kvs, List<TensorFields> tensors, long headerEnd, long dataStart) {
    }

    /** Offsets of one key/value: its key's length field, its type, and its value (for arrays: element type). */
    record Kv(long keyLength, long type, long value) {
    }

    record TensorFields(long nameLength, long nDims, long dims, long type, long offset, long dataEnd) {
    }

    static Layout layout(byte[] file) {
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        b.position(8);
        long nTensors = b.getLong();
        long nKv = b.getLong();
        Map<String, Kv> kvs = new LinkedHashMap<>();
        for (long i = 0; i < nKv; i++) {
            long keyAt = b.position();
            String key = string(b);
            long typeAt = b.position();
            GgufValueType type = GgufValueType.byId(b.getInt());
            kvs.put(key, new Kv(keyAt, typeAt, b.position()));
            skipValue(b, type);
        }
        List<long[]> raw = new ArrayList<>();
        for (long i = 0; i < nTensors; i++) {
            long nameAt = b.position();
            string(b);
            long nDimsAt = b.position();
            int nDims = b.getInt();
            long elements = 1;
            for (int d = 0; d < nDims; d++) {
                elements *= b.getLong();
            }
            long typeAt = b.position();
            GgmlType type = GgmlType.byId(b.getInt());
            long offsetAt = b.position();
            long offset = b.getLong();
            raw.add(new long[] {nameAt, nDimsAt, nDimsAt + 4, typeAt, offsetAt, offset + type.bytesFor(elements)});
        }
        long headerEnd = b.position();
        long dataStart = (headerEnd + 31) / 32 * 32;
        List<TensorFields> tensors = raw.stream()
                .map(t -> new TensorFields(t[0], t[1], t[2], t[3], t[4], dataStart + t[5])).toList();
        return new Layout(kvs, tensors, headerEnd, dataStart);
    }

    private static String string(ByteBuffer b) {
        byte[] s = new byte[(int) b.getLong()];
        b.get(s);
        return new String(s, StandardCharsets.UTF_8);
    }

    private static void skipValue(ByteBuffer b, GgufValueType type) {
        switch (type) {
            case STRING -> string(b);
            case ARRAY -> {
                GgufValueType element = GgufValueType.byId(b.getInt());
                long n = b.getLong();
                for (long i = 0; i < n; i++) {
                    skipValue(b, element);
                }
            }
            default -> b.position(b.position() + type.size);
        }
    }
}
