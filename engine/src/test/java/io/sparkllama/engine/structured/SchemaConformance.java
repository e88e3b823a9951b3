package io.sparkllama.engine.structured;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/** An independent check that a parsed value conforms to a schema of the supported subset; returns what is wrong, or null. */
final class SchemaConformance {
    private SchemaConformance() {
    }

    static String violation(JsonNode schema, JsonNode v, String path) {
        if (schema.has("enum")) {
            for (JsonNode e : schema.get("enum")) {
                if (e.equals(v)) {
                    return null;
                }
            }
            return path + ": " + v + " is not in the enum";
        }
        switch (schema.get("type").asText()) {
            case "object": {
                if (!v.isObject()) {
                    return path + ": not an object";
                }
                JsonNode props = schema.get("properties");
                for (Iterator<String> it = v.fieldNames(); it.hasNext(); ) {
                    String f = it.next();
                    if (props == null || !props.has(f)) {
                        return path + ": unexpected property " + f;
                    }
                }
                if (schema.has("required")) {
                    for (JsonNode r : schema.get("required")) {
                        if (!v.has(r.asText())) {
                            return path + ": missing required " + r.asText();
                        }
                    }
                }
                if (props != null) {
                    for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
                        Map.Entry<String, JsonNode> e = it.next();
                        if (v.has(e.getKey())) {
                            String bad = violation(e.getValue(), v.get(e.getKey()), path + "." + e.getKey());
                            if (bad != null) {
                                return bad;
                            }
                        }
                    }
                }
                return null;
            }
            case "array": {
                if (!v.isArray()) {
                    return path + ": not an array";
                }
                if (v.size() < schema.path("minItems").asInt(0) || v.size() > schema.path("maxItems").asInt(Integer.MAX_VALUE)) {
                    return path + ": " + v.size() + " items";
                }
                for (int i = 0; i < v.size(); i++) {
                    String bad = violation(schema.get("items"), v.get(i), path + "[" + i + "]");
                    if (bad != null) {
                        return bad;
                    }
                }
                return null;
            }
            case "string": {
                if (!v.isTextual()) {
                    return path + ": not a string";
                }
                int n = v.textValue().length();
                return n < schema.path("minLength").asInt(0) || n > schema.path("maxLength").asInt(Integer.MAX_VALUE)
                        ? path + ": string of length " + n : null;
            }
            case "integer":
                return v.isIntegralNumber() ? null : path + ": not an integer: " + v;
            case "number":
                return v.isNumber() ? null : path + ": not a number: " + v;
            case "boolean":
                return v.isBoolean() ? null : path + ": not a boolean: " + v;
            default:
                return path + ": unknown type in test schema";
        }
    }
}
