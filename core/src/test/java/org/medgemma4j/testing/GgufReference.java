package org.medgemma4j.testing;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What ggml's own GGUF reader (gguf_init_from_file in libggml-base, through FFM) sees in a file, so
 * tests can compare the Java reader with llama.cpp's.
 */
public final class GgufReference {

    /** One tensor as ggml reports it: ne has all four dimensions, 1 beyond the tensor's rank. */
    public record Tensor(String name, int typeId, long[] ne, long bytes, long offset) {
    }

    /** A file as ggml reads it; offsets of tensors are relative to dataOffset. */
    public record File(int version, long alignment, long dataOffset, List<Tensor> tensors) {
    }

    private static final Linker LINKER = Linker.nativeLinker();
    // struct gguf_init_params { bool no_alloc; struct ggml_context ** ctx; }
    private static final StructLayout INIT_PARAMS = MemoryLayout.structLayout(
            ValueLayout.JAVA_BOOLEAN.withName("no_alloc"), MemoryLayout.paddingLayout(7), ValueLayout.ADDRESS.withName("ctx"));
    private static final ValueLayout.OfLong SIZE_T = ValueLayout.JAVA_LONG;

    private static MethodHandle init;
    private static MethodHandle free;
    private static MethodHandle version;
    private static MethodHandle alignment;
    private static MethodHandle dataOffset;
    private static MethodHandle nTensors;
    private static MethodHandle name;
    private static MethodHandle type;
    private static MethodHandle ne;
    private static MethodHandle size;
    private static MethodHandle offset;

    private GgufReference() {
    }

    private static synchronized void bind() {
        if (init != null) {
            return;
        }
        SymbolLookup lib = SymbolLookup.libraryLookup(Oracle.libDir().resolve("libggml-base.so"), Arena.global());
        ValueLayout ptr = ValueLayout.ADDRESS;
        init = handle(lib, "gguf_init_from_file", FunctionDescriptor.of(ptr, ptr, INIT_PARAMS));
        free = handle(lib, "gguf_free", FunctionDescriptor.ofVoid(ptr));
        version = handle(lib, "gguf_get_version", FunctionDescriptor.of(ValueLayout.JAVA_INT, ptr));
        alignment = handle(lib, "gguf_get_alignment", FunctionDescriptor.of(SIZE_T, ptr));
        dataOffset = handle(lib, "gguf_get_data_offset", FunctionDescriptor.of(SIZE_T, ptr));
        nTensors = handle(lib, "gguf_get_n_tensors", FunctionDescriptor.of(ValueLayout.JAVA_LONG, ptr));
        FunctionDescriptor byId = FunctionDescriptor.of(ptr, ptr, ValueLayout.JAVA_LONG);
        name = handle(lib, "gguf_get_tensor_name", byId);
        ne = handle(lib, "gguf_get_tensor_ne", byId);
        type = handle(lib, "gguf_get_tensor_type", FunctionDescriptor.of(ValueLayout.JAVA_INT, ptr, ValueLayout.JAVA_LONG));
        size = handle(lib, "gguf_get_tensor_size", FunctionDescriptor.of(SIZE_T, ptr, ValueLayout.JAVA_LONG));
        offset = handle(lib, "gguf_get_tensor_offset", FunctionDescriptor.of(SIZE_T, ptr, ValueLayout.JAVA_LONG));
    }

    private static MethodHandle handle(SymbolLookup lib, String symbol, FunctionDescriptor fd) {
        return LINKER.downcallHandle(lib.find(symbol)
                .orElseThrow(() -> new IllegalStateException("libggml-base has no symbol " + symbol)), fd);
    }

    /** The file as ggml reads it, or null when ggml refuses it. */
    public static File read(Path file) {
        bind();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment params = arena.allocate(INIT_PARAMS);
            params.set(ValueLayout.JAVA_BOOLEAN, 0, true); // no_alloc: read the header only
            params.set(ValueLayout.ADDRESS, 8, MemorySegment.NULL);
            MemorySegment ctx = (MemorySegment) init.invokeExact(arena.allocateFrom(file.toString()), params);
            if (ctx.equals(MemorySegment.NULL)) {
                return null;
            }
            try {
                List<Tensor> tensors = new ArrayList<>();
                long n = (long) nTensors.invokeExact(ctx);
                for (long i = 0; i < n; i++) {
                    String tensorName = ((MemorySegment) name.invokeExact(ctx, i)).reinterpret(Long.MAX_VALUE).getString(0);
                    long[] dims = ((MemorySegment) ne.invokeExact(ctx, i)).reinterpret(4 * 8).toArray(ValueLayout.JAVA_LONG);
                    tensors.add(new Tensor(tensorName, (int) type.invokeExact(ctx, i), dims,
                            (long) size.invokeExact(ctx, i), (long) offset.invokeExact(ctx, i)));
                }
                return new File((int) version.invokeExact(ctx), (long) alignment.invokeExact(ctx),
                        (long) dataOffset.invokeExact(ctx), tensors);
            } finally {
                free.invokeExact(ctx);
            }
        } catch (Throwable t) {
            throw new IllegalStateException("ggml could not be called on " + file, t);
        }
    }
}
