package org.medgemma4j.cli;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.List;
import org.medgemma4j.gguf.GgufArray;
import org.medgemma4j.gguf.GgufValueType;

/** Metadata values as inspect shows them: unsigned numbers as such, long arrays cut to their first items. */
final class MetadataValues {

    private MetadataValues() {
    }

    /** The type as gguf dump prints it: UINT32, or [STRING] for an array of strings. */
    static String typeName(GgufValueType type, Object value) {
        if (type != GgufValueType.ARRAY) {
            return type.name();
        }
        GgufArray a = (GgufArray) value;
        if (a.elementType() == GgufValueType.ARRAY && a.length() > 0) {
            return "[" + typeName(GgufValueType.ARRAY, ((GgufArray[]) a.values())[0]) + "]";
        }
        return "[" + a.elementType().name() + "]";
    }

    /** Items a value holds: 1 for a scalar, the length for an array. */
    static int count(Object value) {
        return value instanceof GgufArray a ? a.length() : 1;
    }

    /** A scalar as a Java value fit for JSON: UINT64 values above 2^63 become unsigned BigIntegers. */
    static Object scalar(GgufValueType type, Object value) {
        if (type == GgufValueType.UINT64 && (Long) value < 0) {
            return new java.math.BigInteger(Long.toUnsignedString((Long) value));
        }
        return value;
    }

    /** The first {@code max} items of an array, each as {@link #scalar} gives it (nested arrays stay GgufArrays). */
    static List<Object> head(GgufArray a, int max) {
        List<Object> items = new ArrayList<>();
        for (int i = 0; i < Math.min(max, a.length()); i++) {
            items.add(scalar(a.elementType(), Array.get(a.values(), i)));
        }
        return items;
    }

    /** A one-line rendering like gguf dump's: strings quoted and cut at 60 characters, arrays at 6 items. */
    static String text(GgufValueType type, Object value) {
        return switch (value) {
            case String s -> quote(s.length() > 60 ? s.substring(0, 57) + "..." : s);
            case GgufArray a -> {
                List<String> items = new ArrayList<>();
                for (Object item : head(a, 6)) {
                    items.add(text(a.elementType(), item));
                }
                yield "[" + String.join(", ", items) + (a.length() > 6 ? ", ...]" : "]");
            }
            default -> String.valueOf(scalar(type, value));
        };
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder("'");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '\'' -> b.append("\\'");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '\r' -> b.append("\\r");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\x%02x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('\'').toString();
    }
}
