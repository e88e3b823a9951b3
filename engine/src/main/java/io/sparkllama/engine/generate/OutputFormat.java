package io.sparkllama.engine.generate;

import io.sparkllama.engine.error.InvalidSchemaException;
import io.sparkllama.engine.structured.OutputConstraint;
import java.io.Serializable;
import java.util.List;

/**
 * What a constrained completion must be, as callers give it: JSON conforming to a JSON Schema
 * (text), or exactly one of some labels. The engine compiles it (once per JVM per schema or label
 * list); {@link #check()} compiles it early so that a bad schema fails before any work.
 *
 * @param jsonSchema the schema, or null
 * @param choices    the labels, or null; exactly one of the two is given
 */
public record OutputFormat(String jsonSchema, List<String> choices) implements Serializable {
    public OutputFormat {
        if ((jsonSchema == null) == (choices == null)) {
            throw new InvalidSchemaException(jsonSchema == null ? "neither json_schema nor choices is set; give one"
                    : "json_schema and choices are both set; give one");
        }
        choices = choices == null ? null : List.copyOf(choices);
    }

    /** JSON conforming to {@code schema}. */
    public static OutputFormat jsonSchema(String schema) {
        return new OutputFormat(schema, null);
    }

    /** Exactly one of {@code labels}. */
    public static OutputFormat choices(List<String> labels) {
        return new OutputFormat(null, labels);
    }

    /**
     * Compiles the format now (the engine reuses the compiled form).
     *
     * @throws InvalidSchemaException naming the schema path or label at fault
     */
    public OutputFormat check() {
        OutputConstraint.of(jsonSchema, choices);
        return this;
    }
}
