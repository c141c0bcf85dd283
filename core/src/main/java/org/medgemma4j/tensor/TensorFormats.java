package org.medgemma4j.tensor;

import java.util.EnumMap;
import java.util.Map;

/** The weight formats the engine computes with, looked up by ggml type. */
public final class TensorFormats {

    private static final Map<GgmlType, TensorFormat> FORMATS = new EnumMap<>(GgmlType.class);

    static {
        for (TensorFormat f : new TensorFormat[] {
                new F32Format(), new F16Format(), new BF16Format(), new Q8_0Format(),
                new Q4_0Format(), new Q4_1Format(), new Q5_0Format(), new Q5_1Format(),
                new Q2_KFormat(), new Q3_KFormat(), new Q4_KFormat(), new Q5_KFormat(), new Q6_KFormat(),
        }) {
            FORMATS.put(f.type(), f);
        }
    }

    private TensorFormats() {
    }

    /** Whether the engine can compute with weights of this type. */
    public static boolean isSupported(GgmlType type) {
        return FORMATS.containsKey(type);
    }

    /** The format for {@code type}; a clear error for types the engine cannot compute with. */
    public static TensorFormat of(GgmlType type) {
        TensorFormat f = FORMATS.get(type);
        if (f == null) {
            throw new UnsupportedOperationException("weights of type " + type.ggmlName()
                    + " are not supported (supported: " + FORMATS.keySet() + ")");
        }
        return f;
    }
}
