package org.medgemma4j.model;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.medgemma4j.tensor.TensorFormat;
import org.medgemma4j.tensor.TensorFormats;

/**
 * Keys and values of every layer for one sequence, off the Java heap. Global layers hold the whole
 * context; sliding-window layers hold only their window plus one batch, as a ring indexed by
 * position, so a long context costs what its global layers need.
 */
public final class KvCache implements AutoCloseable {

    private final KvCacheType type;
    private final TensorFormat format;
    private final int contextLength;
    private final int[] capacity;
    private final long rowBytes;
    private final MemorySegment[] keys;
    private final MemorySegment[] values;
    private final Arena arena;

    /**
     * @param contextLength the most positions a sequence may have
     * @param maxBatch      the most tokens one forward pass adds
     */
    public KvCache(Gemma3Config c, int contextLength, int maxBatch, KvCacheType type) {
        if (contextLength < 1 || maxBatch < 1) {
            throw new IllegalArgumentException("context and batch must be positive");
        }
        int rowElements = c.headCountKv() * c.keyLength();
        if (rowElements % type.ggmlType.blockSize != 0 || c.keyLength() % type.ggmlType.blockSize != 0) {
            throw new IllegalArgumentException("a " + type + " KV cache needs head dimensions that are multiples of "
                    + type.ggmlType.blockSize);
        }
        this.type = type;
        this.format = TensorFormats.of(type.ggmlType);
        this.contextLength = contextLength;
        this.rowBytes = type.rowBytes(rowElements);
        this.capacity = new int[c.blockCount()];
        this.keys = new MemorySegment[c.blockCount()];
        this.values = new MemorySegment[c.blockCount()];
        this.arena = Arena.ofShared();
        for (int l = 0; l < c.blockCount(); l++) {
            capacity[l] = capacityOf(c, l, contextLength, maxBatch);
            keys[l] = arena.allocate(rowBytes * capacity[l], 64);
            values[l] = arena.allocate(rowBytes * capacity[l], 64);
        }
    }

    /** Positions layer l keeps: the whole context, or for a sliding layer its window plus one batch. */
    static int capacityOf(Gemma3Config c, int layer, int contextLength, int maxBatch) {
        return c.isSliding(layer) ? Math.min(contextLength, c.slidingWindow() + maxBatch - 1) : contextLength;
    }

    /** Bytes a cache of this shape takes (for planning without allocating one). */
    public static long bytesFor(Gemma3Config c, int contextLength, int maxBatch, KvCacheType type) {
        long row = type.rowBytes(c.headCountKv() * c.keyLength());
        long n = 0;
        for (int l = 0; l < c.blockCount(); l++) {
            n += 2 * row * capacityOf(c, l, contextLength, maxBatch);
        }
        return n;
    }

    public KvCacheType type() {
        return type;
    }

    public int contextLength() {
        return contextLength;
    }

    /** Positions layer l can hold at once. */
    public int capacity(int layer) {
        return capacity[layer];
    }

    public long byteSize() {
        long n = 0;
        for (int l = 0; l < keys.length; l++) {
            n += keys[l].byteSize() + values[l].byteSize();
        }
        return n;
    }

    /** Bytes between consecutive rows (positions). */
    long rowBytes() {
        return rowBytes;
    }

    TensorFormat format() {
        return format;
    }

    MemorySegment keys(int layer) {
        return keys[layer];
    }

    MemorySegment values(int layer) {
        return values[layer];
    }

    /** Byte offset of the row holding a position (kvHeads x headDim elements). */
    long rowOffset(int layer, int position) {
        return (position % capacity[layer]) * rowBytes;
    }

    /** Stores the key and value rows of one position, rounded to the cache type. */
    void store(int layer, int position, float[] k, int kOff, float[] v, int vOff, int n) {
        long off = rowOffset(layer, position);
        format.quantize(k, kOff, keys[layer], off, n);
        format.quantize(v, vOff, values[layer], off, n);
    }

    @Override
    public void close() {
        arena.close();
    }
}
