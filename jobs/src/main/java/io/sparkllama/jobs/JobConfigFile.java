package io.sparkllama.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A job's YAML config ({@code --config job.yaml}): a flat map with the command line's option names
 * ({@code input}, {@code output}, {@code model}, {@code tokenizer}, {@code master}) and the same
 * keys as {@code --set}; Spark settings as {@code spark.*} keys or under a {@code spark:} map.
 * Unknown keys and wrongly typed values are errors naming the file and the key.
 */
public final class JobConfigFile {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private JobConfigFile() {
    }

    /** The file's entries as strings, keyed as on the command line. */
    public static Map<String, String> read(Path file, String job, Set<String> options, Set<String> settings) {
        ConfigTooLargeException.check(file, job + ": config");
        JsonNode root;
        try {
            root = YAML.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new JobConfigException(job + ": cannot read config " + file + ": " + e.getMessage().lines().findFirst().orElse(""));
        }
        Map<String, String> out = new LinkedHashMap<>();
        if (root == null || root.isMissingNode() || root.isNull()) {
            return out;
        }
        if (!root.isObject()) {
            throw new JobConfigException(job + ": config " + file + " must be a map of key: value, got " + root.getNodeType().name().toLowerCase());
        }
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            String key = e.getKey();
            JsonNode v = e.getValue();
            if (key.equals("spark") && v.isObject()) {
                for (Map.Entry<String, JsonNode> s : v.properties()) {
                    out.put("spark." + s.getKey(), scalar(file, job, "spark." + s.getKey(), s.getValue(), SettingKind.STRING));
                }
                continue;
            }
            if (!key.startsWith("spark.") && !options.contains(key) && !settings.contains(key)) {
                Set<String> known = new TreeSet<>(options);
                known.addAll(settings);
                throw new JobConfigException(job + ": config " + file + ": unknown key '" + key + "' (known: " + String.join(", ", known)
                        + ", or spark.* / spark: {...})");
            }
            out.put(key, scalar(file, job, key, v, SettingKind.of(key)));
        }
        return out;
    }

    private static String scalar(Path file, String job, String key, JsonNode v, SettingKind kind) {
        boolean ok = switch (kind) {
            case INTEGER -> v.isIntegralNumber();
            case NUMBER -> v.isNumber();
            case BOOLEAN -> v.isBoolean();
            case STRING -> v.isValueNode() && !v.isNull();
        };
        if (!ok) {
            String got = v.isNull() ? "nothing" : v.isContainerNode() ? "a " + (v.isArray() ? "list" : "map") : "'" + v.asText() + "'";
            throw new JobConfigException(job + ": config " + file + ": key '" + key + "' must be " + kind.article() + ", got " + got);
        }
        return v.asText();
    }
}
