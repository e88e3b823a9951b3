package io.sparkllama.datasets.tasks;

/** A sweep or command names a task this project does not have. */
public class UnknownTaskException extends RuntimeException {
    public UnknownTaskException(String message) {
        super(message);
    }
}
