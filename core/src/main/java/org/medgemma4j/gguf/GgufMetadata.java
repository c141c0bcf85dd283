package org.medgemma4j.gguf;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The key/value metadata of a GGUF file, in file order, with typed accessors. Integers of every
 * width are held as Long (unsigned 64-bit values as their bit pattern), floats as Float or Double.
 * A missing or mistyped key is a {@link GgufException} naming the file and the key.
 */
public final class GgufMetadata {

    private final Path file;
    private final Map<String, Object> values;
    private final Map<String, GgufValueType> types;

    GgufMetadata(Path file, Map<String, Object> values, Map<String, GgufValueType> types) {
        this.file = file;
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        this.types = Collections.unmodifiableMap(new LinkedHashMap<>(types));
    }

    public Set<String> keys() {
        return values.keySet();
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    /** The stored type of a key, or null when absent. */
    public GgufValueType type(String key) {
        return types.get(key);
    }

    /** The raw value (Long, Float, Double, Boolean, String or GgufArray), or null when absent. */
    public Object get(String key) {
        return values.get(key);
    }

    /** All values in file order. */
    public Map<String, Object> asMap() {
        return values;
    }

    public String getString(String key) throws GgufException {
        return require(key, String.class, "a string");
    }

    public String getString(String key, String fallback) throws GgufException {
        return has(key) ? getString(key) : fallback;
    }

    public long getLong(String key) throws GgufException {
        return require(key, Long.class, "an integer");
    }

    public int getInt(String key) throws GgufException {
        long v = getLong(key);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new GgufException(file, "metadata " + key + " = " + v + " is out of range");
        }
        return (int) v;
    }

    public int getInt(String key, int fallback) throws GgufException {
        return has(key) ? getInt(key) : fallback;
    }

    public long getLong(String key, long fallback) throws GgufException {
        return has(key) ? getLong(key) : fallback;
    }

    /** A float or double value (integers are accepted too, as some converters write them). */
    public double getDouble(String key) throws GgufException {
        Object v = values.get(key);
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        throw missingOrWrong(key, v, "a number");
    }

    public float getFloat(String key) throws GgufException {
        return (float) getDouble(key);
    }

    public float getFloat(String key, float fallback) throws GgufException {
        return has(key) ? getFloat(key) : fallback;
    }

    public boolean getBoolean(String key, boolean fallback) throws GgufException {
        return has(key) ? require(key, Boolean.class, "a boolean") : fallback;
    }

    public GgufArray getArray(String key) throws GgufException {
        return require(key, GgufArray.class, "an array");
    }

    public String[] getStringArray(String key) throws GgufException {
        return arrayOf(key, GgufValueType.STRING, String[].class);
    }

    public float[] getFloatArray(String key) throws GgufException {
        return arrayOf(key, GgufValueType.FLOAT32, float[].class);
    }

    /** An array of any integer type, narrowed to int (values out of int range are an error). */
    public int[] getIntArray(String key) throws GgufException {
        GgufArray a = getArray(key);
        if (!a.elementType().isInteger()) {
            throw new GgufException(file, "metadata " + key + " is an array of " + a.elementType() + ", expected integers");
        }
        long[] v = (long[]) a.values();
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            if (v[i] < Integer.MIN_VALUE || v[i] > Integer.MAX_VALUE) {
                throw new GgufException(file, "metadata " + key + "[" + i + "] = " + v[i] + " is out of range");
            }
            out[i] = (int) v[i];
        }
        return out;
    }

    private <T> T arrayOf(String key, GgufValueType element, Class<T> javaType) throws GgufException {
        GgufArray a = getArray(key);
        if (a.elementType() != element) {
            throw new GgufException(file, "metadata " + key + " is an array of " + a.elementType() + ", expected " + element);
        }
        return javaType.cast(a.values());
    }

    private <T> T require(String key, Class<T> javaType, String what) throws GgufException {
        Object v = values.get(key);
        if (javaType.isInstance(v)) {
            return javaType.cast(v);
        }
        throw missingOrWrong(key, v, what);
    }

    private GgufException missingOrWrong(String key, Object v, String what) {
        return v == null
                ? new GgufException(file, "metadata key " + key + " is missing")
                : new GgufException(file, "metadata " + key + " is " + types.get(key) + ", expected " + what);
    }
}
