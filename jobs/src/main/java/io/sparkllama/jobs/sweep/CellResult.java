package io.sparkllama.jobs.sweep;

import java.util.Map;

/**
 * What a finished cell reports: its metrics (lm-eval names; stderr as {@code <metric>_stderr}),
 * wall time, the tokens it ran through the model (context included), and tokens per second:
 * model time for perplexity cells, the cell's wall time otherwise.
 */
public record CellResult(Map<String, Double> metrics, double wallSeconds, double tokensPerSecond, long tokens) {
}
