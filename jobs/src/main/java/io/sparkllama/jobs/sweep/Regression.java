package io.sparkllama.jobs.sweep;

/** A metric of a cell that got worse than in the previous run by more than its tolerance. */
public record Regression(String cell, String metric, double before, double now, double tolerance) {
    public String describe() {
        return String.format(java.util.Locale.ROOT, "%s: %s %.6g -> %.6g (worse by %.4g, tolerance %.4g)",
                cell, metric, before, now, MetricDirection.of(metric).worsening(before, now), tolerance);
    }
}
