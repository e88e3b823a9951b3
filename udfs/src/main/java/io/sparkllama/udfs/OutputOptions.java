package io.sparkllama.udfs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkllama.engine.error.InvalidRequestException;
import io.sparkllama.engine.error.InvalidSchemaException;
import io.sparkllama.engine.generate.GenerationRequest;
import io.sparkllama.engine.generate.OutputFormat;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * What a generated row holds beyond its completion, job-wide: {@code top_logprobs} alternatives per
 * token, and a constraint on the completion ({@code json_schema}, a JSON Schema as text, or
 * {@code choices}, labels) with {@code output_schema}, the struct the JSON is also parsed into (a
 * Spark DDL string, or {@code json_schema} to derive it). A row's own {@code top_logprobs},
 * {@code json_schema} and {@code choices} columns override these.
 *
 * @param choices null for none
 */
public record OutputOptions(int topLogprobs, String jsonSchema, List<String> choices, String outputSchema) implements Serializable {
    public static final OutputOptions NONE = new OutputOptions(0, null, null, null);
    private static final ObjectMapper JSON = new ObjectMapper();

    public OutputOptions {
        if (topLogprobs < 0 || topLogprobs > GenerationRequest.MAX_TOP_LOGPROBS) {
            throw new InvalidRequestException("top_logprobs must be 0 to " + GenerationRequest.MAX_TOP_LOGPROBS + ", got " + topLogprobs);
        }
        if (jsonSchema != null && choices != null) {
            throw new InvalidSchemaException("json_schema and choices are both set; give one");
        }
        choices = choices == null ? null : List.copyOf(choices);
    }

    /** The job-wide output format, or null; checked (compiled, and cached per JVM) here. */
    public OutputFormat format() {
        return format(jsonSchema, choices);
    }

    /** The checked format of {@code jsonSchema} or {@code choices} (at most one non-null), or null for neither. */
    public static OutputFormat format(String jsonSchema, List<String> choices) {
        if (jsonSchema == null && choices == null) {
            return null;
        }
        return new OutputFormat(jsonSchema, choices).check();
    }

    /** The {@code parsed} column's struct, or null without {@code output_schema}. */
    public org.apache.spark.sql.types.StructType parsedType() {
        return outputSchema == null ? null : ParsedColumn.type(outputSchema, jsonSchema);
    }

    /** {@code choices} written as a JSON array of strings (how a job setting gives them). */
    public static List<String> parseChoices(String json) {
        JsonNode a;
        try {
            a = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            a = null;
        }
        if (a == null || !a.isArray()) {
            throw new InvalidSchemaException("choices must be a JSON array of strings, e.g. [\"positive\",\"negative\"], got '" + json + "'");
        }
        List<String> labels = new ArrayList<>();
        for (JsonNode l : a) {
            if (!l.isTextual()) {
                throw new InvalidSchemaException("choices must hold strings only, got " + l);
            }
            labels.add(l.textValue());
        }
        return labels;
    }
}
