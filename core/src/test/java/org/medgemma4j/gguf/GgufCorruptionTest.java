package org.medgemma4j.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medgemma4j.gguf.GgufTestFiles.Kv;
import org.medgemma4j.gguf.GgufTestFiles.Layout;
import org.medgemma4j.gguf.GgufTestFiles.TensorFields;

/**
 * Systematic corruptions of a valid file: every one must end in a single GgufException naming the file
 * and the problem, never another exception, an OutOfMemoryError or a stack overflow.
 */
class GgufCorruptionTest {

    @TempDir
    Path dir;

    private byte[] valid;
    private Layout layout;
    private Path bad;

    @BeforeEach
    void writeValidFile() throws IOException {
        Path file = dir.resolve("valid.gguf");
        GgufTestFiles.writeValid(file);
        valid = Files.readAllBytes(file);
        layout = GgufTestFiles.layout(valid);
        bad = dir.resolve("bad.gguf");
    }

    @Test
    void theUncorruptedFileOpens() throws Exception {
        try (GgufFile g = open(valid)) {
            assertThat(g.tensors()).extracting(GgufTensorInfo::name).containsExactly(GgufTestFiles.TENSORS);
            assertThat(g.metadata().getStringArray("tokenizer.ggml.tokens")).contains("▁hello");
        }
    }

    @Test
    void truncationAnywhereBeforeTheLastTensorByteIsAnError() throws Exception {
        long lastDataEnd = layout.tensors().getLast().dataEnd();
        assertThat(lastDataEnd).isGreaterThan(layout.dataStart());
        for (int len = 0; len < lastDataEnd; len++) {
            expectError(Arrays.copyOf(valid, len), len == 0 ? "empty" : "");
        }
        try (GgufFile g = open(Arrays.copyOf(valid, (int) lastDataEnd))) {
            assertThat(g.tensors()).hasSize(GgufTestFiles.TENSORS.length);
        }
    }

    @Test
    void magicAndVersion() throws Exception {
        expectError(with(valid, 0, "GGUX".getBytes(StandardCharsets.US_ASCII)), "not a GGUF file");
        expectError("hello, this is not a model\n".getBytes(StandardCharsets.US_ASCII), "not a GGUF file");
        expectError(withInt(valid, 4, 1), "version 1");
        expectError(withInt(valid, 4, 4), "unsupported GGUF version 4");
        expectError(withInt(valid, 4, 0x03000000), "big-endian");
        expectError(withInt(valid, 4, -1), "unsupported GGUF version 4294967295");
    }

    @Test
    void version2ReadsLikeVersion3() throws Exception {
        try (GgufFile g = open(withInt(valid, 4, 2))) {
            assertThat(g.version()).isEqualTo(2);
            assertThat(g.metadata().getLong("test.u64")).isEqualTo(1L << 40);
            assertThat(g.tensors()).hasSize(4);
        }
    }

    @Test
    void absurdCounts() throws Exception {
        for (long n : new long[] {1L << 60, Long.MAX_VALUE, -1, 1L << 31, 1000}) {
            expectError(withLong(valid, 8, n), "tensor count");
            expectError(withLong(valid, 16, n), "metadata count");
        }
    }

    @Test
    void absurdStringAndArrayLengths() throws Exception {
        Kv tokens = kv("tokenizer.ggml.tokens");
        for (long n : new long[] {1L << 60, Long.MAX_VALUE, -1, valid.length}) {
            expectError(withLong(valid, kv("test.u8").keyLength(), n), "string length");
            expectError(withLong(valid, tokens.value() + 4, n), "array length");
            expectError(withLong(valid, tokens.value() + 12, n), "string length");
            expectError(withLong(valid, kv("general.architecture").value(), n), "string length");
            expectError(withLong(valid, layout.tensors().get(1).nameLength(), n), "string length");
        }
    }

    @Test
    void unknownTypes() throws Exception {
        for (int t : new int[] {13, 99, -1}) {
            expectError(withInt(valid, kv("test.u8").type(), t), "unknown metadata value type");
            expectError(withInt(valid, kv("tokenizer.ggml.scores").value(), t), "unknown metadata value type");
        }
        for (int t : new int[] {4, 5, 31, 63, 64, 1000, -1}) {
            expectError(withInt(valid, tensor(2).type(), t), "unknown ggml type");
        }
    }

    @Test
    void badBooleanAndDuplicates() throws Exception {
        expectError(with(valid, kv("test.flag").value(), new byte[] {7}), "invalid boolean value 7");
        expectError(with(valid, kv("test.i8").keyLength() + 8, "test.u8".getBytes(StandardCharsets.UTF_8)),
                "duplicate metadata key test.u8");
        expectError(with(valid, tensor(3).nameLength() + 8, "t.a".getBytes(StandardCharsets.UTF_8)),
                "duplicate tensor name t.a");
    }

    @Test
    void badDimensions() throws Exception {
        TensorFields a = tensor(0); // F32 8 x 2
        expectError(withInt(valid, a.nDims(), 0), "0 dimensions");
        expectError(withInt(valid, a.nDims(), 5), "5 dimensions");
        expectError(withInt(valid, a.nDims(), -1), "4294967295 dimensions");
        expectError(withLong(valid, a.dims() + 8, -2), "negative");
        expectError(withLong(withLong(valid, a.dims(), 1L << 40), a.dims() + 8, 1L << 40), "overflows");
        expectError(withLong(withLong(valid, a.dims(), 1L << 31), a.dims() + 8, 1L << 31), "too large");
        expectError(withLong(valid, a.dims() + 8, 1000), "beyond the end of the file");
        expectError(withLong(valid, tensor(2).dims(), 16), "block size 32");
    }

    @Test
    void tensorOffsetsOutOfBoundsOrMisaligned() throws Exception {
        TensorFields d = tensor(3);
        long dataBytes = valid.length - layout.dataStart();
        expectError(withLong(valid, d.offset(), (dataBytes + 31) / 32 * 32), "beyond the end of the file");
        expectError(withLong(valid, d.offset(), 1L << 62), "beyond the end of the file");
        expectError(withLong(valid, d.offset(), Long.MAX_VALUE - Long.MAX_VALUE % 32), "beyond the end of the file");
        expectError(withLong(valid, d.offset(), -32), "negative data offset");
        expectError(withLong(valid, d.offset(), 33), "not a multiple of the alignment 32");
    }

    @Test
    void badAlignment() throws Exception {
        long at = kv("general.alignment").value();
        for (int a : new int[] {0, 3, 48, -1, 1 << 31}) {
            expectError(withInt(valid, at, a), "alignment");
        }
        expectError(withInt(valid, kv("general.alignment").type(), GgufValueType.INT32.id), "must be UINT32");
    }

    @Test
    void deeplyNestedArraysAreRefusedWithoutAStackOverflow() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(le(4 + 4 + 8 + 8).putInt(GgufParser.MAGIC).putInt(3).putLong(0).putLong(1).array());
        out.write(le(8 + 1 + 4).putLong(1).put((byte) 'x').putInt(GgufValueType.ARRAY.id).array());
        for (int depth = 0; depth < 200_000; depth++) {
            out.write(le(12).putInt(GgufValueType.ARRAY.id).putLong(1).array());
        }
        out.write(le(12).putInt(GgufValueType.UINT8.id).putLong(0).array());
        expectError(out.toByteArray(), "nested");
    }

    @Test
    void metadataThatWouldExhaustTheHeapIsRefused() throws Exception {
        int n = (int) (GgufParser.MAX_METADATA_HEAP / 8) + 1; // UINT8 values are held as longs
        ByteBuffer b = le(4 + 4 + 8 + 8 + 8 + 1 + 4 + 4 + 8 + n);
        b.putInt(GgufParser.MAGIC).putInt(3).putLong(0).putLong(1);
        b.putLong(1).put((byte) 'x').putInt(GgufValueType.ARRAY.id).putInt(GgufValueType.UINT8.id).putLong(n);
        expectError(b.array(), "metadata too large");
    }

    @Test
    void notAFile() throws Exception {
        assertError(dir.resolve("missing.gguf"), "missing.gguf", "no such file");
        Files.createDirectory(dir.resolve("folder.gguf"));
        assertError(dir.resolve("folder.gguf"), "folder.gguf", "directory");
        assertError(Path.of("/"), "/", "directory");
    }

    /** Random byte corruptions of the header: each either opens or fails with a GgufException. */
    @Test
    void headerFuzz() throws Exception {
        Random random = new Random(20250704);
        int opened = 0;
        int mutations = 3000;
        for (int i = 0; i < mutations; i++) {
            byte[] b = valid.clone();
            int edits = 1 + random.nextInt(4);
            for (int e = 0; e < edits; e++) {
                int at = random.nextInt((int) layout.headerEnd());
                switch (random.nextInt(3)) {
                    case 0 -> b[at] ^= (byte) (1 << random.nextInt(8));
                    case 1 -> b[at] = (byte) random.nextInt(256);
                    default -> b[at] = (byte) (random.nextBoolean() ? 0xFF : 0x00);
                }
            }
            Files.write(bad, b);
            try (GgufFile g = GgufFile.open(bad)) {
                for (GgufTensorInfo t : g.tensors()) {
                    assertThat(g.data(t).byteSize()).isEqualTo(t.byteSize());
                }
                g.metadata().asMap().forEach((k, v) -> assertThat(v).isNotNull());
                opened++;
            } catch (GgufException e) {
                assertThat(e.getMessage()).contains("bad.gguf");
            } catch (Throwable t) {
                fail("mutation " + i + " escaped as " + t, t);
            }
        }
        // Most single-bit flips land in string bytes and float values, which stay readable.
        assertThat(opened).isBetween(1, mutations - 1);
    }

    private GgufFile open(byte[] bytes) throws IOException {
        Files.write(bad, bytes);
        return GgufFile.open(bad);
    }

    private void expectError(byte[] bytes, String fragment) throws IOException {
        Files.write(bad, bytes);
        assertError(bad, "bad.gguf", fragment);
    }

    private static void assertError(Path file, String name, String fragment) {
        try (GgufFile g = GgufFile.open(file)) {
            fail("expected an error containing \"" + fragment + "\" but " + file + " opened with "
                    + g.tensors().size() + " tensors");
        } catch (GgufException e) {
            assertThat(e.getMessage()).contains(name).contains(fragment).doesNotContain("\n");
        } catch (Throwable t) {
            fail("expected a GgufException containing \"" + fragment + "\", got " + t, t);
        }
    }

    private Kv kv(String key) {
        return layout.kvs().get(key);
    }

    private TensorFields tensor(int i) {
        return layout.tensors().get(i);
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static byte[] with(byte[] b, long at, byte[] patch) {
        byte[] copy = b.clone();
        System.arraycopy(patch, 0, copy, (int) at, patch.length);
        return copy;
    }

    private static byte[] withInt(byte[] b, long at, int v) {
        return with(b, at, le(4).putInt(v).array());
    }

    private static byte[] withLong(byte[] b, long at, long v) {
        return with(b, at, le(8).putLong(v).array());
    }
}
