package io.sparkllama.jobs.sweep;

import java.util.Map;

/**
 * What a finished cell reports: its metrics (lm-eval names; stderr as {@code <metric>_stderr}),
 * wall time, the tokens it ran through the model (context included), and tokens per second:
 * model time for perplexity cells, the cell's wall time otherwise; and for packed loglikelihood
 * cells the positions the requests asked for and those actually run (the rest came from the
 * prefix cache), 0 where not counted.
 */
public record CellResult(Map<String, Double> metrics, double wallSeconds, double tokensPerSecond, long tokens,
                         long positionsRequested, long positionsComputed) {
    public CellResult(Map<String, Double> metrics, double wallSeconds, double tokensPerSecond, long tokens) {
        this(metrics, wallSeconds, tokensPerSecond, tokens, 0, 0);
    }

    /** Share of requested positions served by the prefix cache. */
    public double prefixHitRate() {
        return positionsRequested == 0 ? 0 : 1 - (double) positionsComputed / positionsRequested;
    }
}
