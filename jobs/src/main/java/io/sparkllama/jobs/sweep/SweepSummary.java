package io.sparkllama.jobs.sweep;

import java.util.List;

/** What a sweep run did: cells computed and skipped, wall time, regressions, where the report is. */
public record SweepSummary(String run, int cells, int computed, int skipped, double wallSeconds, List<Regression> regressions, String report) {
}
