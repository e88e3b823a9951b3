package io.sparkllama.engine.score;

/**
 * The log-likelihood of a continuation given a context.
 *
 * @param contextTokens      the context's ids as fed (BOS first; left-truncated if over the context)
 * @param continuationTokens the continuation's ids
 * @param logprobs           logprob of each continuation token
 * @param isGreedy           every continuation token is the argmax at its position
 */
public record LoglikelihoodResult(int[] contextTokens, int[] continuationTokens, float[] logprobs, double sumLogprob,
                                  boolean isGreedy, int truncatedTokens) {
    public int tokenCount() {
        return continuationTokens.length;
    }
}
