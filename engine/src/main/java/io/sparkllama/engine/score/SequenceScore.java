package io.sparkllama.engine.score;

import io.sparkllama.engine.error.InvalidRequestException;

/**
 * What {@link PackedScorer} gives for one {@link ScoringRequest}: the logprob of each target
 * (fp64 sum), whether every target was the argmax, or the error that kept it from being scored;
 * with top-k asked of the scorer, the k most likely ids and logprobs at each target
 * ({@code topIds[i * k + j]}), else empty arrays.
 */
public record SequenceScore(float[] logprobs, double sumLogprob, boolean greedy, InvalidRequestException error, int[] topIds,
                            float[] topLogprobs) {
    private static final int[] NO_IDS = new int[0];
    private static final float[] NO_LOGPROBS = new float[0];

    public SequenceScore(float[] logprobs, double sumLogprob, boolean greedy, InvalidRequestException error) {
        this(logprobs, sumLogprob, greedy, error, NO_IDS, NO_LOGPROBS);
    }

    static SequenceScore failed(InvalidRequestException e) {
        return new SequenceScore(null, 0, false, e);
    }

    /** The scores, or the request's error thrown. */
    public SequenceScore orThrow() {
        if (error != null) {
            throw error;
        }
        return this;
    }
}
