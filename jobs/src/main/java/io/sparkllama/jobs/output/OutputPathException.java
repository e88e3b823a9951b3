package io.sparkllama.jobs.output;

import io.sparkllama.jobs.JobConfigException;

/** The output location is refused: it would overwrite an input, the model or a directory that is not ours. */
public class OutputPathException extends JobConfigException {
    public OutputPathException(String message) {
        super(message);
    }
}
