package org.medgemma4j.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * What the formats share: little-endian layouts, ggml's scalar conversions reproduced bit for bit, and
 * the vector species. Every layout and species is a constant: built per call they make kernels ~20x slower.
 */
final class Ggml {

    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);
    static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(LE);
    static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(LE);

    static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    /** Lanes per float vector. */
    static final int L = FS.length();
    /**
     * The vector kernels read 8 or 16 weights per step (half a 32-block at most); narrower CPUs (128-bit)
     * and wider ones take the scalar path.
     */
    static final boolean VECTOR = L == 8 || L == 16;
    /** Byte, short and int species with as many lanes as {@link #FS}. */
    static final VectorSpecies<Byte> BS = VectorSpecies.of(byte.class, VectorShape.forBitSize(VECTOR ? L * 8 : 64));
    static final VectorSpecies<Short> SS = VectorSpecies.of(short.class, VectorShape.forBitSize(VECTOR ? L * 16 : 128));
    static final VectorSpecies<Integer> IS = VectorSpecies.of(int.class, FS.vectorShape());

    /** Lanes of llama.cpp's float accumulators on AVX-512 (tinyBLAS), the order the float dot products follow. */
    static final int TB_LANES = 16;
    /** Gather maps picking the even and the odd elements of 2L consecutive floats. */
    static final int[] EVEN = java.util.stream.IntStream.range(0, L).map(i -> 2 * i).toArray();
    static final int[] ODD = java.util.stream.IntStream.range(0, L).map(i -> 2 * i + 1).toArray();

    private Ggml() {
    }

    /** ggml_fp16_to_fp32 of the half at {@code offset}; the JDK conversion is exact and quiets NaNs as ggml does. */
    static float f16(MemorySegment seg, long offset) {
        return Float.float16ToFloat(seg.get(SHORT_LE, offset));
    }

    /**
     * ggml_fp32_to_fp16: round to nearest even like the JDK, but every NaN becomes a quiet NaN with an empty
     * payload (0x7E00), where the JDK keeps the payload's top bits.
     */
    static short toF16(float f) {
        return Float.isNaN(f)
                ? (short) ((Float.floatToRawIntBits(f) >>> 16 & 0x8000) | 0x7E00)
                : Float.floatToFloat16(f);
    }

    /**
     * C's float to int conversion as x86 compiles it (cvttss2si): truncation, and 0x80000000 for NaN and out of
     * range values, which ggml's quantizers can meet when a block's scale is subnormal (1/d is infinite).
     */
    static int cvtt(float f) {
        return f >= -0x1p31f && f < 0x1p31f ? (int) f : Integer.MIN_VALUE;
    }

    /** C's roundf: halves away from zero (Math.round rounds them up). Exact in double for any float. */
    static float roundf(float f) {
        if (!(Math.abs(f) < 0x1p23f)) {
            return f; // already integral, infinite or NaN
        }
        return (float) Math.copySign(Math.floor(Math.abs((double) f) + 0.5), f);
    }

    /** Sum of the lanes of 4 accumulators, added pairwise. */
    static float sum(FloatVector a, FloatVector b, FloatVector c, FloatVector d) {
        return sum(a.add(b).add(c.add(d)));
    }

    // Lane i swapped with lane i ^ k: folding halves onto each other. Kernels whose final sum comes past
    // C2's inlining cutoff write the folds out with these (a call there boxes the accumulators).
    static final VectorShuffle<Float> FOLD8 = VectorShuffle.fromOp(FS, i -> (i ^ 8) % L);
    static final VectorShuffle<Float> FOLD4 = VectorShuffle.fromOp(FS, i -> i ^ 4);
    static final VectorShuffle<Float> FOLD2 = VectorShuffle.fromOp(FS, i -> i ^ 2);
    static final VectorShuffle<Float> FOLD1 = VectorShuffle.fromOp(FS, i -> i ^ 1);

    /**
     * The sum of a vector's lanes in one fixed order (halves folded lane-wise). reduceLanes(ADD) may add in
     * a different order once C2 compiles it than in the interpreter, so the same dot product would change
     * as the JVM warms up and the same seed would not give the same tokens.
     */
    static float sum(FloatVector v) {
        if (L == 16) {
            v = v.add(v.rearrange(FOLD8));
        }
        v = v.add(v.rearrange(FOLD4));
        v = v.add(v.rearrange(FOLD2));
        v = v.add(v.rearrange(FOLD1));
        return v.lane(0);
    }

    /** Loads L bytes. */
    static ByteVector bytes(MemorySegment seg, long offset) {
        return ByteVector.fromMemorySegment(BS, seg, offset, LE);
    }

    /** Loads L little-endian shorts widened (sign-extended) to ints. */
    static IntVector shortsAsInts(MemorySegment seg, long offset) {
        return (IntVector) ShortVector.fromMemorySegment(SS, seg, offset, LE)
                .convertShape(VectorOperators.S2I, IS, 0);
    }

    /** Signed bytes to floats, lane for lane. */
    static FloatVector toFloats(ByteVector b) {
        return (FloatVector) b.convertShape(VectorOperators.B2F, FS, 0);
    }

    static void checkBlocks(GgmlType type, int n) {
        if (n % type.blockSize != 0) {
            throw new IllegalArgumentException(n + " is not a whole number of " + type + " blocks");
        }
    }
}
