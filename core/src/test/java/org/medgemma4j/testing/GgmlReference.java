package org.medgemma4j.testing;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import org.medgemma4j.tensor.GgmlType;

/**
 * ggml's own reference kernels (libggml-base from the oracle package), called through FFM, so tests
 * can compare the Java formats with ggml bit for bit.
 */
public final class GgmlReference {

    private static final Linker LINKER = Linker.nativeLinker();
    // void f(const void * x, void * y, int64_t k)
    private static final FunctionDescriptor ROW_FN = FunctionDescriptor.ofVoid(
            ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG);
    private static SymbolLookup lookup;

    private GgmlReference() {
    }

    private static synchronized SymbolLookup lookup() {
        if (lookup == null) {
            Path lib = Oracle.libDir().resolve("libggml-base.so");
            if (!Files.exists(lib)) {
                throw new IllegalStateException("libggml-base.so not found in " + Oracle.libDir());
            }
            lookup = SymbolLookup.libraryLookup(lib, Arena.global());
        }
        return lookup;
    }

    private static MethodHandle rowFunction(String name) {
        MemorySegment sym = lookup().find(name)
                .orElseThrow(() -> new IllegalStateException("libggml-base has no symbol " + name));
        return LINKER.downcallHandle(sym, ROW_FN);
    }

    /** ggml's decoding of {@code n} values of {@code type} held in {@code blocks}. */
    public static float[] dequantize(GgmlType type, byte[] blocks, int n) {
        String fn = switch (type) {
            case F16 -> "ggml_fp16_to_fp32_row";
            case BF16 -> "ggml_bf16_to_fp32_row";
            default -> "dequantize_row_" + type.ggmlName();
        };
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment src = arena.allocateFrom(ValueLayout.JAVA_BYTE, blocks);
            MemorySegment dst = arena.allocate(ValueLayout.JAVA_FLOAT, n);
            rowFunction(fn).invokeExact(src, dst, (long) n);
            return dst.toArray(ValueLayout.JAVA_FLOAT);
        } catch (Throwable t) {
            throw new IllegalStateException(fn + " failed", t);
        }
    }

    /** ggml's reference encoding of {@code values} as {@code type}. */
    public static byte[] quantize(GgmlType type, float[] values) {
        String fn = switch (type) {
            case F16 -> "ggml_fp32_to_fp16_row";
            case BF16 -> "ggml_fp32_to_bf16_row_ref";
            default -> "quantize_row_" + type.ggmlName() + "_ref";
        };
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment src = arena.allocateFrom(ValueLayout.JAVA_FLOAT, values);
            MemorySegment dst = arena.allocate(type.bytesFor(values.length));
            rowFunction(fn).invokeExact(src, dst, (long) values.length);
            return dst.toArray(ValueLayout.JAVA_BYTE);
        } catch (Throwable t) {
            throw new IllegalStateException(fn + " failed", t);
        }
    }
}
