package io.sparkllama.datasets;

/**
 * How the user says CSV inputs are written ({@code csv.quote}, {@code csv.escape}, {@code csv.sep}).
 *
 * @param escape the character that keeps a quote literal inside a quoted field: {@code "} (RFC 4180's
 *               doubled quote: pandas, pyarrow, DuckDB, Excel), {@code \} (Spark's {@code DataFrameWriter.csv}
 *               default), or {@link #AUTO} to tell from each file which of the two reads it exactly
 */
public record CsvOptions(char quote, char escape, char delimiter) {
    /** The escape value meaning: decide per input from its bytes. */
    public static final char AUTO = 0;
    public static final CsvOptions DEFAULT = new CsvOptions('"', AUTO, ',');

    public CsvOptions {
        if (quote == delimiter || escape == delimiter) {
            throw new IllegalArgumentException("csv.quote and csv.escape must differ from csv.sep ('" + delimiter + "')");
        }
    }

    public boolean autoEscape() {
        return escape == AUTO;
    }
}
