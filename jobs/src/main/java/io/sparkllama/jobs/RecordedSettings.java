package io.sparkllama.jobs;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A job's resolved settings by setting name, read from its settings record ({@code maxTokens} is
 * {@code max_tokens}; a nested record such as the packing settings is flattened): as the run record
 * stores them, with the common settings that change results or speed, and as the DataFrame API's
 * options.
 */
final class RecordedSettings {
    private RecordedSettings() {
    }

    static Map<String, Object> of(Record job, CommonSettings common) {
        Map<String, Object> recorded = new LinkedHashMap<>();
        put(recorded, job);
        recorded.put("context", common.context());
        recorded.put("balance_by_length", common.balanceByLength());
        recorded.put("group_by_prefix", common.groupByPrefix());
        recorded.put("activations", common.activations().label());
        recorded.put("kv_cache_type", common.kvCacheType().label());
        recorded.put("model_transport", common.modelTransport());
        return recorded;
    }

    /** The job's settings as the DataFrame API's options (each component is one of its option keys). */
    static Map<String, String> options(Record job) {
        Map<String, Object> values = new LinkedHashMap<>();
        put(values, job);
        Map<String, String> options = new LinkedHashMap<>();
        values.forEach((k, v) -> options.put(k, option(v)));
        return options;
    }

    /** A setting as an option's text: a list (choices) as a JSON array of strings. */
    private static String option(Object value) {
        if (value instanceof java.util.List<?> list) {
            try {
                return JSON.writeValueAsString(list);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("cannot write setting " + list + " as JSON", e);
            }
        }
        return String.valueOf(value);
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    // An unset optional setting (null: no json_schema, no output_schema) is neither recorded nor an option.
    private static void put(Map<String, Object> recorded, Record r) {
        for (RecordComponent c : r.getClass().getRecordComponents()) {
            Object value;
            try {
                value = c.getAccessor().invoke(r);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException("cannot read setting " + c.getName() + " of " + r.getClass().getSimpleName(), e);
            }
            if (value instanceof Record nested) {
                put(recorded, nested);
            } else if (value != null) {
                recorded.put(settingName(c.getName()), value);
            }
        }
    }

    /** {@code batchSize} -> {@code batch_size}. */
    static String settingName(String component) {
        StringBuilder b = new StringBuilder(component.length() + 4);
        for (int i = 0; i < component.length(); i++) {
            char ch = component.charAt(i);
            if (Character.isUpperCase(ch)) {
                b.append('_').append(Character.toLowerCase(ch));
            } else {
                b.append(ch);
            }
        }
        return b.toString();
    }
}
