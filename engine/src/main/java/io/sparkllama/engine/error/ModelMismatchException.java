package io.sparkllama.engine.error;

/** Two files that must belong together do not, e.g. a model and a tokenizer of different vocabulary sizes. */
public class ModelMismatchException extends SparkLlamaException {
    public ModelMismatchException(String message) {
        super(message);
    }
}
