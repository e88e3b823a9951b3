package io.sparkllama.jobs.output;

import io.sparkllama.engine.error.SparkLlamaException;

/** Another job holds the output's lock: two writers to one output are never run together. */
public class OutputLockedException extends SparkLlamaException {
    public OutputLockedException(String message) {
        super(message);
    }
}
