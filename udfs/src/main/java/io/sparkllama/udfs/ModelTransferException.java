package io.sparkllama.udfs;

import io.sparkllama.engine.error.SparkLlamaException;

/** A model file cannot be listed, read, copied or hashed where the transport needs it. */
public class ModelTransferException extends SparkLlamaException {
    public ModelTransferException(String message, Throwable cause) {
        super(message, cause);
    }
}
