package io.sparkllama.engine.score;

/**
 * Teacher-forced scores of a token sequence: {@code logprobs[i]} is the log-probability of
 * {@code tokens[i + 1]} given all tokens before it; sums are in fp64.
 */
public record ScoreResult(int[] tokens, float[] logprobs, double sumLogprob, long nanos) {
    public int scored() {
        return logprobs.length;
    }

    public double meanNll() {
        return logprobs.length == 0 ? Double.NaN : -sumLogprob / logprobs.length;
    }

    public double perplexity() {
        return Math.exp(meanNll());
    }

    public double tokensPerSecond() {
        return nanos <= 0 ? 0 : tokens.length * 1e9 / nanos;
    }
}
