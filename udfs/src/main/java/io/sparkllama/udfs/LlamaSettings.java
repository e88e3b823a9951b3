package io.sparkllama.udfs;

import io.sparkllama.engine.error.InvalidRequestException;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Settings by key ({@code max_tokens}, {@code threads}, ...) for the SQL functions and the DataFrame
 * API: the session's {@code spark.llama.*} values or a function's options, with a row's settings
 * map laid over them. A bad value is an {@link InvalidRequestException} naming the key, so a row
 * with bad settings gets an {@code error} value instead of failing the query.
 */
public record LlamaSettings(Map<String, String> values) implements Serializable {
    /** The prefix of the session settings: {@code spark.llama.max_tokens} is {@code max_tokens}. */
    public static final String SESSION_PREFIX = "spark.llama.";

    public LlamaSettings {
        values = Map.copyOf(values);
    }

    /** The {@code spark.llama.*} entries of a configuration, without the prefix. */
    public static LlamaSettings fromSession(Map<String, String> conf) {
        Map<String, String> v = new HashMap<>();
        conf.forEach((k, val) -> {
            if (k.startsWith(SESSION_PREFIX) && val != null) {
                v.put(k.substring(SESSION_PREFIX.length()), val);
            }
        });
        return new LlamaSettings(v);
    }

    /** These settings with {@code overrides} laid over them; every override key must be in {@code allowed}. */
    public LlamaSettings with(Map<String, String> overrides, Set<String> allowed) {
        if (overrides == null || overrides.isEmpty()) {
            return this;
        }
        Map<String, String> v = new HashMap<>(values);
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            if (!allowed.contains(e.getKey())) {
                throw new InvalidRequestException("unknown setting '" + e.getKey() + "' (known here: " + String.join(", ", new TreeSet<>(allowed)) + ")");
            }
            if (e.getValue() != null) {
                v.put(e.getKey(), e.getValue());
            }
        }
        return new LlamaSettings(v);
    }

    public String string(String key, String fallback) {
        return values.getOrDefault(key, fallback);
    }

    public int integer(String key, int fallback, int min) {
        String v = values.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            int i = Integer.parseInt(v.trim());
            if (i < min) {
                throw new InvalidRequestException("setting " + key + " must be >= " + min + ", got " + i);
            }
            return i;
        } catch (NumberFormatException e) {
            throw new InvalidRequestException("setting " + key + " must be an integer, got '" + v + "'");
        }
    }

    public long longValue(String key, long fallback) {
        String v = values.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new InvalidRequestException("setting " + key + " must be an integer, got '" + v + "'");
        }
    }

    public float number(String key, float fallback) {
        String v = values.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            return Float.parseFloat(v.trim());
        } catch (NumberFormatException e) {
            throw new InvalidRequestException("setting " + key + " must be a number, got '" + v + "'");
        }
    }
}
