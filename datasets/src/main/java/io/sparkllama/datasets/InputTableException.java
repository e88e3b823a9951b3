package io.sparkllama.datasets;

/** An input table cannot be used: unknown format, missing column, wrong column type. */
public class InputTableException extends RuntimeException {
    public InputTableException(String message) {
        super(message);
    }
}
