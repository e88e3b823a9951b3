package io.sparkllama.udfs;

import io.sparkllama.engine.error.SparkLlamaException;

/** A model file's sha256 on an executor differs from the one the driver computed: the copies are not the same file. */
public class ModelChecksumException extends SparkLlamaException {
    public ModelChecksumException(String message) {
        super(message);
    }
}
