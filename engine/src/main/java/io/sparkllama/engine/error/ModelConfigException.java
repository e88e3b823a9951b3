package io.sparkllama.engine.error;

/** A model's config.json or params.json is malformed, incomplete or inconsistent with its weights. */
public class ModelConfigException extends ModelFormatException {
    public ModelConfigException(String message) {
        super(message);
    }
}
