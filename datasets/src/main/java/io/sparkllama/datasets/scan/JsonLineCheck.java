package io.sparkllama.datasets.scan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkllama.datasets.ColumnTypeException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One JSON Lines line as Spark's reader will take it: it must be a JSON object (or an array of
 * them), and each text column the job reads must hold a string or null there. Spark would
 * coerce {@code {"x": 1}} to the string {@code {"x":1}} and run it as a prompt; this refuses it.
 */
final class JsonLineCheck {
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private final List<String> textColumns;

    JsonLineCheck(List<String> textColumns) {
        this.textColumns = textColumns;
    }

    /** @return null when the line is good, else why it is malformed; a mistyped text column throws */
    String check(byte[] line, int length, String file, long lineNumber) {
        JsonNode node;
        try {
            node = JSON.readTree(line, 0, length);
        } catch (JsonProcessingException e) {
            return "not valid JSON (" + e.getOriginalMessage() + ")";
        } catch (IOException e) {
            return "not readable as JSON (" + e.getMessage() + ")";
        }
        if (node == null || !(node.isObject() || node.isArray())) {
            return "not a JSON object";
        }
        for (JsonNode row : node.isArray() ? node : List.of(node)) {
            if (!row.isObject()) {
                return "an array holding something other than JSON objects";
            }
            for (String column : textColumns) {
                JsonNode v = row.get(column);
                if (v != null && !v.isNull() && !v.isTextual()) {
                    throw new ColumnTypeException("input " + file + " line " + lineNumber + ": column '" + column + "' holds "
                            + kind(v) + " " + excerpt(v.toString()) + " where a string belongs; Spark would run its JSON text as"
                            + " the " + column + ": quote it or fix the row");
                }
            }
        }
        return null;
    }

    private static String kind(JsonNode v) {
        return v.isObject() ? "a JSON object" : v.isArray() ? "a JSON array" : v.isNumber() ? "a number" : v.isBoolean() ? "a boolean" : "a JSON value";
    }

    static String excerpt(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "...";
    }

    static String excerpt(byte[] line, int length) {
        return excerpt(new String(line, 0, Math.min(length, 240), StandardCharsets.UTF_8));
    }
}
