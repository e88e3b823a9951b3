package io.sparkllama.jobs;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Typed access to a job's {@code --set key=value} settings. Keys starting with {@code spark.} go
 * to Spark; any other key must be one the job knows, so a typo fails before anything runs.
 */
public final class Settings {
    private final String job;
    private final Map<String, String> values;
    private final Map<String, String> spark = new LinkedHashMap<>();

    public Settings(String job, Map<String, String> given, Set<String> known) {
        this.job = job;
        this.values = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : given.entrySet()) {
            if (e.getKey().startsWith("spark.")) {
                spark.put(e.getKey(), e.getValue());
            } else if (known.contains(e.getKey())) {
                values.put(e.getKey(), e.getValue());
            } else {
                throw new JobConfigException(job + ": unknown setting '" + e.getKey() + "' (known: "
                        + String.join(", ", known.stream().sorted().toList()) + ", or any spark.* key)");
            }
        }
    }

    /** Every setting given (spark.* keys excluded), for the run's recorded metadata. */
    public Map<String, String> values() {
        return values;
    }

    public Map<String, String> sparkSettings() {
        return spark;
    }

    public String string(String key, String fallback) {
        return values.getOrDefault(key, fallback);
    }

    public int integer(String key, int fallback, int min) {
        return integer(key, fallback, min, Integer.MAX_VALUE);
    }

    /** An integer setting within [min, max]; {@code fallback} when unset. */
    public int integer(String key, int fallback, int min, int max) {
        String v = values.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            int i = Integer.parseInt(v);
            if (i < min) {
                throw new JobConfigException(job + ": setting " + key + " must be >= " + min + ", got " + i);
            }
            if (i > max) {
                throw new JobConfigException(job + ": setting " + key + " must be <= " + max + ", got " + i);
            }
            return i;
        } catch (NumberFormatException e) {
            throw new JobConfigException(job + ": setting " + key + " must be an integer, got '" + v + "'");
        }
    }

    public long longValue(String key, long fallback) {
        String v = values.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new JobConfigException(job + ": setting " + key + " must be an integer, got '" + v + "'");
        }
    }

    public float number(String key, float fallback) {
        String v = values.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            return Float.parseFloat(v);
        } catch (NumberFormatException e) {
            throw new JobConfigException(job + ": setting " + key + " must be a number, got '" + v + "'");
        }
    }

    public boolean bool(String key, boolean fallback) {
        String v = values.get(key);
        if (v == null) {
            return fallback;
        }
        if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(v);
        }
        throw new JobConfigException(job + ": setting " + key + " must be true or false, got '" + v + "'");
    }

    /** A value from a fixed list. */
    public String choice(String key, String fallback, String... allowed) {
        String v = values.getOrDefault(key, fallback);
        for (String a : allowed) {
            if (a.equals(v)) {
                return v;
            }
        }
        throw new JobConfigException(job + ": setting " + key + " must be one of " + String.join(", ", allowed) + ", got '" + v + "'");
    }
}
