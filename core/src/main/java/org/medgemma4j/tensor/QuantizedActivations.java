package org.medgemma4j.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * One activation vector quantized to 8 bits as llama.cpp's CPU backend quantizes it before a matrix product
 * (its type's vec_dot_type): Q8_K blocks for the K-quants (quantize_row_q8_K: float d, 256 int8, 16 int16
 * sums of 16), Q8_0 blocks for Q8_0/Q4_0/Q5_0 (the AVX quantize_row_q8_0: f16 d, 32 int8 rounded half to
 * even). The bytes are ggml's block layout, so the same array feeds the Java integer kernels, the native
 * kernels and ggml's own vec_dot. {@link #shorts} holds the int8 values widened once per vector, which the
 * Java kernels multiply in 16-bit lanes.
 */
public final class QuantizedActivations {

    static final int QK_K = 256;
    static final int QK8_0 = 32;
    /** sizeof(block_q8_K): float d, int8 qs[256], int16 bsums[16]. */
    public static final int Q8_K_BLOCK = 4 + QK_K + 2 * (QK_K / 16);
    /** sizeof(block_q8_0): f16 d, int8 qs[32]. */
    public static final int Q8_0_BLOCK = 2 + QK8_0;

    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final GgmlType type;
    private final int capacity;
    private final byte[] blocks;
    private final short[] shorts;
    private final MemorySegment segment;
    private int length;

    /** Room for vectors of up to {@code capacity} values of activation type {@code type} (Q8_K or Q8_0). */
    public QuantizedActivations(GgmlType type, int capacity) {
        this(type, capacity, true);
    }

    /**
     * As {@link #QuantizedActivations(GgmlType, int)}; {@code widened} false keeps no {@link #shorts} (the native
     * kernels read only the blocks; a prompt's worth of shorts would be megabytes for nothing).
     */
    public QuantizedActivations(GgmlType type, int capacity, boolean widened) {
        if (type != GgmlType.Q8_K && type != GgmlType.Q8_0) {
            throw new IllegalArgumentException("integer kernels take Q8_K or Q8_0 activations, not " + type);
        }
        if (capacity % type.blockSize != 0) {
            throw new IllegalArgumentException(capacity + " values are not whole " + type + " blocks");
        }
        this.type = type;
        this.capacity = capacity;
        this.blocks = new byte[(int) type.bytesFor(capacity)];
        this.shorts = widened ? new short[capacity] : null;
        this.segment = MemorySegment.ofArray(blocks);
    }

    public GgmlType type() {
        return type;
    }

    /** Values it has room for. */
    public int capacity() {
        return capacity;
    }

    /** Values held (the last vector's length). */
    public int length() {
        return length;
    }

    /** The blocks in ggml's layout. */
    public byte[] blocks() {
        return blocks;
    }

    /** The same blocks as a (heap) segment. */
    public MemorySegment segment() {
        return segment;
    }

    /** The int8 values, widened, in order (null where made without them). */
    public short[] shorts() {
        return shorts;
    }

    /** Quantizes {@code x[offset .. offset+n)}. */
    public QuantizedActivations quantize(float[] x, int offset, int n) {
        if (n > capacity || n % type.blockSize != 0) {
            throw new IllegalArgumentException(n + " values for " + type + " activations of capacity " + capacity);
        }
        length = n;
        quantizeBlocks(x, offset, 0, n / type.blockSize);
        return this;
    }

    /** Makes room for {@code vectors} vectors of {@code n} values, back to back, for {@link #quantizeVectors}. */
    public QuantizedActivations holdVectors(int vectors, int n) {
        if ((long) vectors * n > capacity || n % type.blockSize != 0) {
            throw new IllegalArgumentException(vectors + " x " + n + " values for " + type + " activations of capacity " + capacity);
        }
        length = vectors * n;
        return this;
    }

    /**
     * Quantizes vectors [from, to) of n values ({@code x} from {@code offset}, n apart) into their places back to
     * back: vector v's blocks are exactly what {@link #quantize} gives for it alone (blocks never cross vectors).
     * Disjoint ranges may be quantized by different threads.
     */
    public void quantizeVectors(float[] x, int offset, int n, int from, int to) {
        if ((long) to * n > length) {
            throw new IllegalArgumentException("vectors up to " + to + " of " + n + " values beyond " + length + " held");
        }
        int perVector = n / type.blockSize;
        quantizeBlocks(x, offset + from * n, from * perVector, (to - from) * perVector);
    }

    private void quantizeBlocks(float[] x, int offset, int firstBlock, int blocks) {
        int size = type.blockSize;
        for (int b = 0; b < blocks; b++) {
            if (type == GgmlType.Q8_K) {
                quantizeQ8KBlock(x, offset + b * size, firstBlock + b);
            } else {
                quantizeQ8_0Block(x, offset + b * size, firstBlock + b);
            }
        }
    }

    /** quantize_row_q8_K_ref: scale -127/max of the signed extreme, float d, values clamped at 127. */
    private void quantizeQ8KBlock(float[] x, int i, int b) {
        long o = (long) b * Q8_K_BLOCK;
        float amax = 0;
        if (Ggml.VECTOR) {
            FloatVector m = FloatVector.zero(Ggml.FS);
            for (int k = 0; k < QK_K; k += Ggml.L) {
                m = m.max(FloatVector.fromArray(Ggml.FS, x, i + k).abs());
            }
            amax = m.reduceLanes(VectorOperators.MAX);
        }
        float max = 0;
        if (Ggml.VECTOR && amax == amax) {
            // the first value of that magnitude, as the reference's strict "greater than" scan keeps it
            for (int k = 0; k < QK_K; k++) {
                if (Math.abs(x[i + k]) == amax) {
                    max = x[i + k];
                    break;
                }
            }
        } else {
            amax = 0; // a NaN: the reference's scan, which never takes one
            for (int k = 0; k < QK_K; k++) {
                float ax = Math.abs(x[i + k]);
                if (ax > amax) {
                    amax = ax;
                    max = x[i + k];
                }
            }
        }
        if (amax == 0) {
            segment.asSlice(o, Q8_K_BLOCK).fill((byte) 0);
            if (shorts != null) {
                java.util.Arrays.fill(shorts, b * QK_K, (b + 1) * QK_K, (short) 0);
            }
            return;
        }
        float iscale = -127.f / max;
        for (int j = 0; j < QK_K / 16; j++) {
            int sum = 0;
            int k = j * 16;
            if (Ggml.VECTOR) {
                // KQuants.nearestInt lane by lane: the magic-number rounding of the reference
                FloatVector scale = FloatVector.broadcast(Ggml.FS, iscale);
                for (; k < j * 16 + 16; k += Ggml.L) {
                    IntVector q = FloatVector.fromArray(Ggml.FS, x, i + k).mul(scale).add(12582912.f).reinterpretAsInts()
                            .and(0x007fffff).sub(0x00400000).min(127);
                    sum += q.reduceLanes(VectorOperators.ADD);
                    q.convertShape(VectorOperators.I2B, Ggml.BS, 0).reinterpretAsBytes().intoArray(blocks, (int) o + 4 + k);
                    if (shorts != null) {
                        q.convertShape(VectorOperators.I2S, Ggml.SS, 0).reinterpretAsShorts().intoArray(shorts, b * QK_K + k);
                    }
                }
            }
            for (; k < j * 16 + 16; k++) {
                int q = Math.min(127, KQuants.nearestInt(iscale * x[i + k]));
                blocks[(int) o + 4 + k] = (byte) q;
                if (shorts != null) {
                    shorts[b * QK_K + k] = (short) q;
                }
                sum += q;
            }
            segment.set(SHORT, o + 4 + QK_K + 2L * j, (short) sum);
        }
        segment.set(FLOAT, o, 1 / iscale);
    }

    /** ggml-cpu's AVX quantize_row_q8_0: d = max/127 stored as f16, x * (127/max) rounded half to even. */
    private void quantizeQ8_0Block(float[] x, int i, int b) {
        long o = (long) b * Q8_0_BLOCK;
        float amax = 0;
        for (int k = 0; k < QK8_0; k++) {
            amax = Math.max(amax, Math.abs(x[i + k]));
        }
        segment.set(SHORT, o, Float.floatToFloat16(amax / 127.f));
        float id = amax != 0.0f ? 127.f / amax : 0.0f;
        for (int k = 0; k < QK8_0; k++) {
            int q = (int) Math.rint(x[i + k] * id);
            blocks[(int) o + 2 + k] = (byte) q;
            if (shorts != null) {
                shorts[b * QK8_0 + k] = (short) q;
            }
        }
    }

    /** Block b's scale d (Q8_K: the float; Q8_0: the f16 as a float). */
    float scale(int b) {
        return type == GgmlType.Q8_K
                ? segment.get(FLOAT, (long) b * Q8_K_BLOCK)
                : Float.float16ToFloat(segment.get(SHORT, (long) b * Q8_0_BLOCK));
    }

    /** Q8_K block b's sum of values 16j..16j+15. */
    short bsum(int b, int j) {
        return segment.get(SHORT, (long) b * Q8_K_BLOCK + 4 + QK_K + 2L * j);
    }
}
