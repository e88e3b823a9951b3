package io.sparkllama.engine.score;

import io.sparkllama.engine.error.InvalidRequestException;

/**
 * What {@link PackedScorer} gives for one {@link ScoringRequest}: the logprob of each target
 * (fp64 sum), whether every target was the argmax, or the error that kept it from being scored.
 */
public record SequenceScore(float[] logprobs, double sumLogprob, boolean greedy, InvalidRequestException error) {
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
