package io.sparkllama.jobs.sweep;

import java.util.Map;

/**
 * What a finished cell reports: its metrics (lm-eval names; stderr as {@code <metric>_stderr}),
 * wall time, and tokens per second where the cell measures them (0 otherwise).
 */
public record CellResult(Map<String, Double> metrics, double wallSeconds, double tokensPerSecond) {
}
