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
import org.medgemma4j.tensor.GgmlType;

/**
 * One ggml_mul_mat computed by llama.cpp's own CPU backend (the libggml-cpu variant the oracle loads on
 * this machine), so a test can compare a single matrix product of ours with llama.cpp's, isolated from
 * the rest of the graph. Runs the plain CPU buffer path: llamafile_sgemm, else vec_dot; not repack.
 */
public final class GgmlMulMat {

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout INIT_PARAMS = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("mem_size"), ValueLayout.ADDRESS.withName("mem_buffer"),
            ValueLayout.JAVA_BOOLEAN.withName("no_alloc"), MemoryLayout.paddingLayout(7));
    private static MethodHandle init, free, newTensor2d, mulMat, getData, newGraph, expand, compute;

    private GgmlMulMat() {
    }

    private static synchronized void link() {
        if (init != null) {
            return;
        }
        Path dir = Oracle.libDir();
        SymbolLookup base = SymbolLookup.libraryLookup(dir.resolve("libggml-base.so"), Arena.global());
        SymbolLookup cpu = SymbolLookup.libraryLookup(dir.resolve(cpuVariant()), Arena.global());
        ValueLayout a = ValueLayout.ADDRESS;
        init = handle(base, "ggml_init", FunctionDescriptor.of(a, INIT_PARAMS));
        free = handle(base, "ggml_free", FunctionDescriptor.ofVoid(a));
        newTensor2d = handle(base, "ggml_new_tensor_2d",
                FunctionDescriptor.of(a, a, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG));
        mulMat = handle(base, "ggml_mul_mat", FunctionDescriptor.of(a, a, a, a));
        getData = handle(base, "ggml_get_data", FunctionDescriptor.of(a, a));
        newGraph = handle(base, "ggml_new_graph", FunctionDescriptor.of(a, a));
        expand = handle(base, "ggml_build_forward_expand", FunctionDescriptor.ofVoid(a, a));
        compute = handle(cpu, "ggml_graph_compute_with_ctx", FunctionDescriptor.of(ValueLayout.JAVA_INT, a, a, ValueLayout.JAVA_INT));
        try {
            handle(cpu, "ggml_cpu_init", FunctionDescriptor.ofVoid()).invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** The variant ggml's backend loader picks on this CPU: zen4 where present (the oracle machine). */
    private static String cpuVariant() {
        return System.getProperty("ggml.cpu", "libggml-cpu-zen4.so");
    }

    private static MethodHandle handle(SymbolLookup lib, String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(lib.find(name).orElseThrow(() -> new IllegalStateException("no symbol " + name)), fd);
    }

    /**
     * y (n x rows, row-major by vector) = W x for {@code weights}: rows x cols of {@code type} as raw
     * blocks, and {@code x}: n vectors of cols floats.
     */
    public static float[] mulMat(GgmlType type, byte[] weights, int rows, int cols, float[] x, int n) {
        link();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment params = arena.allocate(INIT_PARAMS);
            params.set(ValueLayout.JAVA_LONG, 0, weights.length + 8L * x.length + 8L * rows * n + (64 << 20));
            MemorySegment ctx = (MemorySegment) init.invokeExact(params);
            try {
                MemorySegment w = (MemorySegment) newTensor2d.invokeExact(ctx, type.id, (long) cols, (long) rows);
                MemorySegment b = (MemorySegment) newTensor2d.invokeExact(ctx, GgmlType.F32.id, (long) cols, (long) n);
                ((MemorySegment) getData.invokeExact(w)).reinterpret(weights.length)
                        .copyFrom(MemorySegment.ofArray(weights));
                ((MemorySegment) getData.invokeExact(b)).reinterpret(4L * x.length)
                        .copyFrom(MemorySegment.ofArray(x));
                MemorySegment y = (MemorySegment) mulMat.invokeExact(ctx, w, b);
                MemorySegment g = (MemorySegment) newGraph.invokeExact(ctx);
                expand.invokeExact(g, y);
                int rc = (int) compute.invokeExact(ctx, g, 1);
                if (rc != 0) {
                    throw new IllegalStateException("ggml_graph_compute_with_ctx returned " + rc);
                }
                return ((MemorySegment) getData.invokeExact(y)).reinterpret(4L * rows * n).toArray(ValueLayout.JAVA_FLOAT);
            } finally {
                free.invokeExact(ctx);
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
