package org.medgemma4j.testing;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import org.medgemma4j.tensor.GgmlType;

/**
 * llama.cpp's CPU backend kernels for one weight type, through ggml_get_type_traits_cpu of the libggml-cpu
 * variant the oracle loads on this CPU (zen4 here; {@code -Dggml.cpu=} picks another): {@code from_float}
 * (the activation quantizer, e.g. quantize_row_q8_K) and {@code vec_dot} (one weight row times one
 * quantized activation row), so tests compare the Java and native integer kernels with ggml bit for bit.
 */
public final class GgmlVecDot {

    private static final Linker LINKER = Linker.nativeLinker();
    private static final java.lang.foreign.AddressLayout A = ValueLayout.ADDRESS;
    private static final FunctionDescriptor FROM_FLOAT = FunctionDescriptor.ofVoid(A, A, ValueLayout.JAVA_LONG);
    // void vec_dot(int n, float * s, size_t bs, const void * x, size_t bx, const void * y, size_t by, int nrc)
    private static final FunctionDescriptor VEC_DOT = FunctionDescriptor.ofVoid(ValueLayout.JAVA_INT, A,
            ValueLayout.JAVA_LONG, A, ValueLayout.JAVA_LONG, A, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT);
    private static MethodHandle traits;

    private GgmlVecDot() {
    }

    private static synchronized MethodHandle traits() {
        if (traits == null) {
            SymbolLookup cpu = SymbolLookup.libraryLookup(
                    Oracle.libDir().resolve(System.getProperty("ggml.cpu", "libggml-cpu-zen4.so")), Arena.global());
            try {
                LINKER.downcallHandle(cpu.find("ggml_cpu_init").orElseThrow(), FunctionDescriptor.ofVoid()).invokeExact();
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
            traits = LINKER.downcallHandle(cpu.find("ggml_get_type_traits_cpu").orElseThrow(),
                    FunctionDescriptor.of(A, ValueLayout.JAVA_INT));
        }
        return traits;
    }

    private static MemorySegment traitsOf(GgmlType type) {
        try {
            // struct ggml_type_traits_cpu { from_float; vec_dot; enum vec_dot_type; int64_t nrows; }
            return ((MemorySegment) traits().invokeExact(type.id)).reinterpret(32);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** The type ggml converts activations to for weights of {@code type}. */
    public static GgmlType vecDotType(GgmlType type) {
        int id = traitsOf(type).get(ValueLayout.JAVA_INT, 16);
        for (GgmlType t : GgmlType.values()) {
            if (t.id == id) {
                return t;
            }
        }
        throw new IllegalStateException("unknown ggml type id " + id);
    }

    /** The CPU backend's from_float of {@code type} (e.g. quantize_row_q8_K for Q8_K). */
    public static byte[] fromFloat(GgmlType type, float[] x) {
        MemorySegment fn = traitsOf(type).get(A, 0);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment src = arena.allocateFrom(ValueLayout.JAVA_FLOAT, x);
            MemorySegment dst = arena.allocate(type.bytesFor(x.length), 64);
            LINKER.downcallHandle(fn, FROM_FLOAT).invokeExact(src, dst, (long) x.length);
            return dst.toArray(ValueLayout.JAVA_BYTE);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** The CPU backend's vec_dot for weights of {@code type}: one row of n weights times quantized activations. */
    public static float vecDot(GgmlType type, byte[] weights, byte[] activations, int n) {
        MemorySegment fn = traitsOf(type).get(A, 8);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment x = arena.allocateFrom(ValueLayout.JAVA_BYTE, weights);
            MemorySegment y = arena.allocateFrom(ValueLayout.JAVA_BYTE, activations);
            MemorySegment s = arena.allocate(ValueLayout.JAVA_FLOAT);
            LINKER.downcallHandle(fn, VEC_DOT).invokeExact(n, s, 0L, x, 0L, y, 0L, 1);
            return s.get(ValueLayout.JAVA_FLOAT, 0);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
