package io.sparkllama.datasets;

import java.util.Map;

/**
 * The CSV dialect an input was found to be written in by the driver's scan, turned into the
 * options Spark's reader needs to read it exactly: quoted CRLFs kept (the record separator is
 * the file's own), a quoted empty string read as {@code ""} and an empty unquoted field as null.
 */
public record CsvDialect(char quote, char escape, char delimiter, String lineSeparator) {
    /**
     * Spark reads a field equal to {@code nullValue} as null, and its default ("") makes a quoted
     * {@code ""} null too. NUL cannot occur in a scanned CSV file, so no written field equals it.
     */
    static final String NULL_MARKER = "\u0000";

    /** The reader options: header row, multi-line records, this dialect's quoting and separator. */
    public Map<String, String> readerOptions() {
        return Map.of("header", "true", "multiLine", "true", "quote", String.valueOf(quote), "escape", String.valueOf(escape),
                "sep", String.valueOf(delimiter), "lineSep", lineSeparator, "nullValue", NULL_MARKER, "mode", "FAILFAST");
    }

    /** A short name for messages and the run record: {@code RFC 4180} or {@code backslash escapes}. */
    public String escapeName() {
        return escape == quote ? "RFC 4180 (\"\" inside quotes)" : "escape " + escape + " (" + escape + "\" inside quotes)";
    }
}
