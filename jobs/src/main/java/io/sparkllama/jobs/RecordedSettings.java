package io.sparkllama.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A job's resolved settings by setting name, read from its settings record ({@code maxTokens} is
 * {@code max_tokens}; a nested record such as the packing settings is flattened): as the run record
 * stores them, with the common settings that change results or speed, and as the DataFrame API's
 * options.
 */
final class RecordedSettings {
    private static final ObjectMapper JSON = new ObjectMapper();

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

    /**
     * The job's settings as the DataFrame API's options (each component is one of its option keys;
     * a map or list as JSON text, such as {@code logit_bias} and {@code stop}; a null one left unset).
     */
    static Map<String, String> options(Record job) {
        Map<String, Object> values = new LinkedHashMap<>();
        put(values, job);
        Map<String, String> options = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (v != null) {
                options.put(k, v instanceof Map<?, ?> || v instanceof List<?> ? json(k, v) : String.valueOf(v));
            }
        });
        return options;
    }

    private static String json(String setting, Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write setting " + setting + " as JSON", e);
        }
    }

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
            } else if (value instanceof Map<?, ?> map) {
                recorded.put(settingName(c.getName()), new TreeMap<>(map)); // a stable order in the run record
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
