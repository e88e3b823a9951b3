package io.sparkllama.engine.score;

/**
 * The log-likelihood of a continuation given a context, as lm-evaluation-harness defines it.
 *
 * @param logprob  sum of the continuation tokens' logprobs (fp64)
 * @param greedy   whether every continuation token is the argmax at its position
 * @param tokens   continuation tokens scored
 */
public record LoglikelihoodResult(double logprob, boolean greedy, int tokens) {
}
