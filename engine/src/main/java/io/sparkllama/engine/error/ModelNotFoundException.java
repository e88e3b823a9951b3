package io.sparkllama.engine.error;

/** A model or tokenizer path does not exist or cannot be read. */
public class ModelNotFoundException extends SparkLlamaException {
    public ModelNotFoundException(String message) {
        super(message);
    }
}
