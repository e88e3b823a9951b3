package io.sparkllama.udfs;

import io.sparkllama.engine.score.PackedScorer;
import java.io.Serializable;

/**
 * How the scoring functions share forward steps: each step holds up to {@code stepTokens} tokens
 * from many rows, and with {@code prefixCache} rows reuse the keys, values and logprobs of a
 * prefix an earlier row of the task computed.
 */
public record PackingSettings(int stepTokens, boolean prefixCache) implements Serializable {
    /** Rows per micro-batch when {@code batch_size} is not given: enough short rows to fill many packed steps. */
    public static final int DEFAULT_BATCH_ROWS = 256;
    public static final PackingSettings DEFAULT = new PackingSettings(PackedScorer.DEFAULT_STEP_TOKENS, true);
}
