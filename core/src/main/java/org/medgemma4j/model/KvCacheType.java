package org.medgemma4j.model;

import org.medgemma4j.tensor.GgmlType;

/** How keys and values are stored: F16 by default (as llama.cpp), F32 for exactness, Q8_0 to halve memory. */
public enum KvCacheType {
    F16(GgmlType.F16),
    F32(GgmlType.F32),
    Q8_0(GgmlType.Q8_0);

    public final GgmlType ggmlType;

    KvCacheType(GgmlType ggmlType) {
        this.ggmlType = ggmlType;
    }

    /** Parses "f16", "q8_0", ... case-insensitively, with a clear error. */
    public static KvCacheType parse(String s) {
        for (KvCacheType t : values()) {
            if (t.name().equalsIgnoreCase(s)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown KV cache type '" + s + "' (f16, f32 or q8_0)");
    }

    /** Bytes of one row of n elements. */
    public long rowBytes(int n) {
        return ggmlType.bytesFor(n);
    }
}
