package io.sparkllama.jobs.sweep;

import java.util.Set;

/** Whether a metric is better higher (accuracies) or lower (perplexities); others are not compared. */
public enum MetricDirection {
    HIGHER_IS_BETTER, LOWER_IS_BETTER, NOT_COMPARED;

    private static final Set<String> HIGHER = Set.of("acc", "acc_norm", "acc_bytes", "exact_match");
    private static final Set<String> LOWER = Set.of("perplexity", "word_perplexity", "byte_perplexity", "bits_per_byte");

    public static MetricDirection of(String metric) {
        return HIGHER.contains(metric) ? HIGHER_IS_BETTER : LOWER.contains(metric) ? LOWER_IS_BETTER : NOT_COMPARED;
    }

    /** How much worse {@code now} is than {@code before} (positive = worse). */
    public double worsening(double before, double now) {
        return switch (this) {
            case HIGHER_IS_BETTER -> before - now;
            case LOWER_IS_BETTER -> now - before;
            case NOT_COMPARED -> 0;
        };
    }
}
