package io.sparkllama.udfs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkllama.engine.error.InvalidRequestException;
import io.sparkllama.engine.generate.GenerationRequest;
import io.sparkllama.engine.sampling.LogitBias;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Job-wide defaults of the generate settings beyond temperature and top-k/p (issue 18); each has a
 * per-row column of the same name that overrides it.
 *
 * @param logitBias token id to a value added to its logit (OpenAI's {@code logit_bias})
 * @param stop      stop strings (OpenAI's {@code stop})
 * @param n         completions per input row, each with its own seed ({@link SampleSeeds})
 * @param template  the chat template for chat rows ({@code llama2}, {@code llama3} or {@code model})
 * @param chatAll   whether the template was set explicitly: then a row with a bare prompt is chat too
 */
public record GenerateOptions(float minP, float repetitionPenalty, float frequencyPenalty, float presencePenalty,
                              Map<Integer, Float> logitBias, List<String> stop, int n, String template, boolean chatAll)
        implements Serializable {
    /** Most completions per row. */
    public static final int MAX_N = 16;
    public static final GenerateOptions DEFAULTS = new GenerateOptions(0f, 1f, 0f, 0f, Map.of(), List.of(), 1, "model", false);

    private static final ObjectMapper JSON = new ObjectMapper();

    public GenerateOptions {
        logitBias = Map.copyOf(logitBias);
        stop = List.copyOf(stop);
        checkN(n);
    }

    /** @throws InvalidRequestException unless {@code 1 <= n <= MAX_N} */
    public static int checkN(long n) {
        if (n < 1 || n > MAX_N) {
            throw new InvalidRequestException("n must be in [1, " + MAX_N + "], got " + n);
        }
        return (int) n;
    }

    /** {@code stop} as a JSON array of strings, e.g. {@code ["\n\n", "The end"]}. */
    public static List<String> parseStop(String json) {
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
        new GenerationRequest(new int[] {0}, 0, io.sparkllama.engine.sampling.SamplingParams.GREEDY, new int[0], out); // the same limits as a request
        return out;
    }

    /** {@code logit_bias} as a JSON object from token id to bias, e.g. {@code {"13": -100, "29": 2.5}}. */
    public static Map<Integer, Float> parseLogitBias(String json) {
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
