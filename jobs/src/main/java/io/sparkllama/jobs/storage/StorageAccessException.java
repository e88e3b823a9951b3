package io.sparkllama.jobs.storage;

import io.sparkllama.engine.error.SparkLlamaException;

/** A path's filesystem cannot be used: nothing answers, no or refused credentials, or permission denied. */
public class StorageAccessException extends SparkLlamaException {
    public StorageAccessException(String message, Throwable cause) {
        super(message, cause);
    }
}
