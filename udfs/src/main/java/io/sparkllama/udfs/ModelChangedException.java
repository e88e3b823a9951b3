package io.sparkllama.udfs;

import io.sparkllama.engine.error.SparkLlamaException;

/** A model file an executor has mapped changed on disk (size, modification time, inode or sampled content) during the job. */
public class ModelChangedException extends SparkLlamaException {
    public ModelChangedException(String message) {
        super(message);
    }
}
