package io.sparkllama.engine.score;

/**
 * Teacher-forced logprobs of {@code tokens[firstTarget ..]}, each given every token before it:
 * {@code tokens[0 .. length-1)} are fed, the last token is only a target.
 *
 * @param firstTarget index of the first token scored, at least 1 ({@code tokens.length} for none)
 */
public record ScoringRequest(int[] tokens, int firstTarget) {
    public ScoringRequest {
        if (tokens.length == 0 || firstTarget < 1 || firstTarget > tokens.length) {
            throw new IllegalArgumentException("scoring request of " + tokens.length + " tokens from target " + firstTarget);
        }
    }

    /** Every token after the first. */
    public static ScoringRequest all(int[] tokens) {
        return new ScoringRequest(tokens, 1);
    }

    /** Positions fed to the model. */
    public int fed() {
        return tokens.length - 1;
    }
}
