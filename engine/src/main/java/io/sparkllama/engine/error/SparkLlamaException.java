package io.sparkllama.engine.error;

/** Base of every error spark-llama reports to users; each subclass is one kind of failure. */
public abstract class SparkLlamaException extends RuntimeException {
    protected SparkLlamaException(String message) {
        super(message);
    }

    protected SparkLlamaException(String message, Throwable cause) {
        super(message, cause);
    }
}
