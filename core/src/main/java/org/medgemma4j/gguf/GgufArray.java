package org.medgemma4j.gguf;

import java.lang.reflect.Array;

/**
 * A metadata array: its element type and its values as a Java array (long[] for every integer type,
 * float[], double[], boolean[], String[], or GgufArray[] for arrays of arrays).
 */
public record GgufArray(GgufValueType elementType, Object values) {

    public int length() {
        return Array.getLength(values);
    }
}
