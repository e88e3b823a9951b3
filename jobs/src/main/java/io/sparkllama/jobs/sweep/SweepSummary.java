package io.sparkllama.jobs.sweep;

import java.util.List;

/**
 * What a sweep run did: cells computed and skipped, wall time, tokens run by the computed cells
 * (and per second of the sweep's wall time), regressions, where the report is.
 */
public record SweepSummary(String run, int cells, int computed, int skipped, double wallSeconds, long tokens,
                           List<Regression> regressions, String report) {
    public double tokensPerSecond() {
        return wallSeconds <= 0 ? 0 : tokens / wallSeconds;
    }
}
