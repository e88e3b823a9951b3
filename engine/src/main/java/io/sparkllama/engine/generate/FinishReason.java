package io.sparkllama.engine.generate;

/** Why generation ended: a stop token, or the token or context limit. */
public enum FinishReason {
    STOP,
    LENGTH;

    /** The lower-case name used in JSON and Parquet outputs. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
