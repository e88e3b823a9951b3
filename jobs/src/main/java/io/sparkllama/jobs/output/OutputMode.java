package io.sparkllama.jobs.output;

import java.util.Locale;

/** What a job may do with an output path that already exists. */
public enum OutputMode {
    /** Refuse any existing output (the default). */
    ERRORIFEXISTS,
    /** Replace a previous spark-llama output (it holds {@code _spark_llama.json}) or an empty directory. */
    OVERWRITE,
    /** Replace whatever is there (never an input, the model or the token cache, though). */
    OVERWRITE_ANY;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static OutputMode ofLabel(String label) {
        return valueOf(label.toUpperCase(Locale.ROOT));
    }
}
