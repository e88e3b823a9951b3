package io.sparkllama.engine.error;

/** A generation or scoring request cannot be served: empty prompt, prompt over the context, bad settings. */
public class InvalidRequestException extends SparkLlamaException {
    public InvalidRequestException(String message) {
        super(message);
    }
}
