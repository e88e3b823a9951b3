package io.sparkllama.jobs.sweep;

/**
 * A task of a sweep: a catalog name ({@code arc_easy}, ..., {@code exact_match}) or
 * {@code perplexity}, its data file, and for perplexity the method ({@code llamacpp} or {@code rolling}).
 */
public record SweepTask(String name, String path, String mode) {
    public boolean isPerplexity() {
        return name.equals("perplexity");
    }

    /** The label in tables: perplexity cells carry their method. */
    public String label() {
        return isPerplexity() ? "perplexity:" + mode : name;
    }
}
