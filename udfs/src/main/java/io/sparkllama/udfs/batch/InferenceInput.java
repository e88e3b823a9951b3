package io.sparkllama.udfs.batch;

import java.util.Map;

/**
 * One row's request: its text arguments (the prompt; the text; the context and continuation), any
 * of them null, and its own settings map (empty when it has none).
 */
public record InferenceInput(String[] texts, Map<String, String> settings) {
    public InferenceInput {
        settings = settings == null ? Map.of() : settings;
    }
}
