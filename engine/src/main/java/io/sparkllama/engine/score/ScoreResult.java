package io.sparkllama.engine.score;

/**
 * Teacher-forced scores of a token sequence: {@code logprobs[i]} is the log-probability of
 * {@code tokens[i + 1]} given all tokens before it; sums are in fp64. With {@code topK}
 * alternatives, {@code topIds[i * topK + j]} / {@code topLogprobs[i * topK + j]} are the j-th most
 * likely id at that position and its logprob; otherwise both are empty.
 */
public record ScoreResult(int[] tokens, float[] logprobs, double sumLogprob, long nanos, int topK, int[] topIds, float[] topLogprobs) {
    public ScoreResult(int[] tokens, float[] logprobs, double sumLogprob, long nanos) {
        this(tokens, logprobs, sumLogprob, nanos, 0, new int[0], new float[0]);
    }

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
