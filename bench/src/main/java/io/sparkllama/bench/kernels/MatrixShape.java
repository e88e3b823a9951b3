package io.sparkllama.bench.kernels;

/** A weight matrix's rows and columns, written {@code ROWSxCOLS} in benchmark parameters. */
public record MatrixShape(int rows, int cols) {

    /** Parses {@code "768x288"}: 768 rows (outputs) of 288 columns (inputs). */
    public static MatrixShape parse(String text) {
        int x = text.indexOf('x');
        if (x <= 0) {
            throw new IllegalArgumentException("shape must be ROWSxCOLS, got " + text);
        }
        return new MatrixShape(Integer.parseInt(text.substring(0, x)), Integer.parseInt(text.substring(x + 1)));
    }

    public long elements() {
        return (long) rows * cols;
    }

    @Override
    public String toString() {
        return rows + "x" + cols;
    }
}
