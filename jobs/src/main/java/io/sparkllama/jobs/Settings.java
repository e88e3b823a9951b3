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

    public Map<String, String> sparkSettings() {
        return spark;
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
            int i = Integer.parseInt(v);
            if (i < min) {
                throw new JobConfigException(job + ": setting " + key + " must be >= " + min + ", got " + i);
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
}
