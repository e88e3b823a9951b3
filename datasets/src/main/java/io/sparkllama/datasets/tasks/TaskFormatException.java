package io.sparkllama.datasets.tasks;

/** A task file is not in its published format: missing file, bad JSON, missing or wrong field. */
public class TaskFormatException extends RuntimeException {
    public TaskFormatException(String message) {
        super(message);
    }

    public TaskFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
