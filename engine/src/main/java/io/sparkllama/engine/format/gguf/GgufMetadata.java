package io.sparkllama.engine.format.gguf;

import io.sparkllama.engine.error.GgufFormatException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Set;

/**
 * The key/value metadata of a GGUF file. Integers of any width are held as {@code Long}, FLOAT32 as
 * {@code Float}, FLOAT64 as {@code Double}; arrays as {@code long[]}, {@code float[]},
 * {@code double[]}, {@code boolean[]}, {@code String[]} or {@code Object[]} (arrays of arrays).
 */
public final class GgufMetadata {
    private final Path file;
    private final Map<String, Object> values;

    GgufMetadata(Path file, Map<String, Object> values) {
        this.file = file;
        this.values = Collections.unmodifiableMap(values);
    }

    public Set<String> keys() {
        return values.keySet();
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    /** The raw value of {@code key}, or null. */
    public Object get(String key) {
        return values.get(key);
    }

    public String string(String key) {
        return typed(key, String.class);
    }

    /** The string at {@code key}, or {@code fallback} when absent. */
    public String string(String key, String fallback) {
        return has(key) ? string(key) : fallback;
    }

    /** An integer value that must fit an int (a dimension, a count, an id). */
    public int integer(String key) {
        Object v = require(key);
        if (!(v instanceof Long l)) {
            throw wrongType(key, "an integer", v);
        }
        if (l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) {
            throw GgufFormatException.of(file, "metadata " + key + " is " + l + ", out of range");
        }
        return (int) (long) l;
    }

    public int integer(String key, int fallback) {
        return has(key) ? integer(key) : fallback;
    }

    /** A FLOAT32, FLOAT64 or integer value as a float. */
    public float number(String key, float fallback) {
        Object v = values.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Float f) {
            return f;
        }
        if (v instanceof Double d) {
            return (float) (double) d;
        }
        if (v instanceof Long l) {
            return l;
        }
        throw wrongType(key, "a number", v);
    }

    public boolean bool(String key, boolean fallback) {
        Object v = values.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        throw wrongType(key, "a bool", v);
    }

    public String[] stringArray(String key) {
        return typed(key, String[].class);
    }

    public float[] floatArray(String key) {
        return typed(key, float[].class);
    }

    /** An integer array whose values fit an int. */
    public int[] intArray(String key) {
        long[] l = typed(key, long[].class);
        int[] out = new int[l.length];
        for (int i = 0; i < l.length; i++) {
            if (l[i] < Integer.MIN_VALUE || l[i] > Integer.MAX_VALUE) {
                throw GgufFormatException.of(file, "metadata " + key + "[" + i + "] is " + l[i] + ", out of range");
            }
            out[i] = (int) l[i];
        }
        return out;
    }

    /** The Jinja chat template the file carries ({@code tokenizer.chat_template}), or null. */
    public String chatTemplate() {
        Object v = values.get("tokenizer.chat_template");
        return v instanceof String s ? s : null;
    }

    private Object require(String key) {
        Object v = values.get(key);
        if (v == null) {
            throw GgufFormatException.of(file, "metadata key " + key + " is missing");
        }
        return v;
    }

    private <T> T typed(String key, Class<T> type) {
        Object v = require(key);
        if (!type.isInstance(v)) {
            throw wrongType(key, type.getSimpleName(), v);
        }
        return type.cast(v);
    }

    private GgufFormatException wrongType(String key, String expected, Object v) {
        return GgufFormatException.of(file, "metadata " + key + " should be " + expected + " but is " + v.getClass().getSimpleName());
    }
}
