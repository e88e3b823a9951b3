package io.sparkllama.engine.generate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkllama.engine.error.InvalidRequestException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The generation settings given as JSON text (job settings, options, CLI flags and string columns
 * are text): {@code stop} and {@code logit_bias}, checked as a request would check them.
 */
public final class GenerationSettingsJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private GenerationSettingsJson() {
    }

    /** {@code stop} as a JSON array of strings, e.g. {@code ["\n\n", "The end"]}. */
    public static List<String> stop(String json) {
        JsonNode node = parse("stop", json, "a JSON array of strings, e.g. [\"\\n\\n\", \"The end\"]");
        if (!node.isArray()) {
            throw new InvalidRequestException("stop must be a JSON array of strings, e.g. [\"\\n\\n\", \"The end\"], got " + json);
        }
        List<String> out = new ArrayList<>();
        for (JsonNode s : node) {
            if (!s.isTextual()) {
                throw new InvalidRequestException("stop must be a JSON array of strings; element " + out.size() + " is " + s);
            }
            out.add(s.asText());
        }
        new GenerationRequest(new int[] {0}, 0, SamplingParams.GREEDY, new int[0], out); // the same limits as a request
        return out;
    }

    /** {@code logit_bias} as a JSON object from token id to bias, e.g. {@code {"13": -100, "29": 2.5}}. */
    public static Map<Integer, Float> logitBias(String json) {
        JsonNode node = parse("logit_bias", json, "a JSON object from token id to bias, e.g. {\"13\": -100}");
        if (!node.isObject()) {
            throw new InvalidRequestException("logit_bias must be a JSON object from token id to bias, e.g. {\"13\": -100}, got " + json);
        }
        Map<Integer, Float> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            int id;
            try {
                id = Integer.parseInt(e.getKey().trim());
            } catch (NumberFormatException x) {
                throw new InvalidRequestException("logit_bias key '" + e.getKey() + "' is not a token id");
            }
            if (!e.getValue().isNumber()) {
                throw new InvalidRequestException("logit_bias for id " + id + " must be a number, got " + e.getValue());
            }
            out.put(id, e.getValue().floatValue());
        }
        LogitBias.of(out); // the same checks as a request
        return out;
    }

    private static JsonNode parse(String field, String json, String what) {
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new InvalidRequestException(field + " must be " + what + "; not JSON: " + json);
        }
    }
}
