package io.sparkllama.datasets;

/** A column holds values of a type the job cannot use (a JSON object where a prompt string belongs, a map-typed id). */
public class ColumnTypeException extends InputTableException {
    public ColumnTypeException(String message) {
        super(message);
    }
}
