package io.sparkllama.datasets;

import java.util.Locale;

/** What a malformed input line (a JSON Lines line that is not JSON) does: the {@code bad_rows} setting. */
public enum BadRows {
    /** The job stops before any work, naming the file and line (the default). */
    FAIL,
    /** The line becomes an output row with a null id and an {@code error} value. */
    ERROR,
    /** The line is left out (counted and reported). */
    SKIP;

    public static BadRows ofLabel(String label) {
        return valueOf(label.toUpperCase(Locale.ROOT));
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
