package io.sparkllama.jobs;

import java.util.Map;

/** The value type of each job setting, so a config file's wrong type is reported with the key. */
enum SettingKind {
    INTEGER, NUMBER, BOOLEAN, STRING;

    private static final Map<String, SettingKind> KINDS = Map.ofEntries(
            Map.entry("max_tokens", INTEGER), Map.entry("temperature", NUMBER), Map.entry("top_k", INTEGER),
            Map.entry("top_p", NUMBER), Map.entry("seed", INTEGER), Map.entry("threads", INTEGER),
            Map.entry("context", INTEGER), Map.entry("partitions", INTEGER), Map.entry("input_format", STRING),
            Map.entry("mode", STRING), Map.entry("batch_size", INTEGER), Map.entry("balance_by_length", BOOLEAN),
            Map.entry("model_transport", STRING), Map.entry("stride", INTEGER),
            Map.entry("step_tokens", INTEGER), Map.entry("prefix_cache", BOOLEAN), Map.entry("group_by_prefix", BOOLEAN));

    /** The kind of {@code key}; option names (input, model, ...) and spark.* keys are strings. */
    static SettingKind of(String key) {
        return KINDS.getOrDefault(key, STRING);
    }

    String article() {
        return switch (this) {
            case INTEGER -> "an integer";
            case NUMBER -> "a number";
            case BOOLEAN -> "true or false";
            case STRING -> "a string";
        };
    }
}
