package io.sparkllama.engine.score;

/**
 * A perplexity run over one token sequence: how many tokens were scored, their summed negative
 * log-likelihood (fp64) and the per-window sums, so callers can report chunk by chunk.
 *
 * @param method     {@code llamacpp} or {@code rolling}
 * @param nTokens    tokens of the text (as the method counts them)
 * @param windowNll  summed NLL of each window (llama.cpp chunk or rolling window), in order
 * @param nScored    tokens whose NLL is in the sum
 * @param sumNll     sum of -logprob over the scored tokens
 * @param sumNllSq   sum of squared NLLs, for llama.cpp's standard error
 * @param tokensRun  tokens run through the model (including context that is not scored)
 * @param nanos      time spent in the model
 */
public record PerplexityResult(String method, int nTokens, double[] windowNll, long nScored, double sumNll,
                               double sumNllSq, long tokensRun, long nanos) {
    public int windows() {
        return windowNll.length;
    }

    public double meanNll() {
        return sumNll / nScored;
    }

    public double perplexity() {
        return Math.exp(meanNll());
    }

    /** llama.cpp's "± x": the standard error of the mean NLL carried to the perplexity. */
    public double perplexityStderr() {
        if (nScored < 2) {
            return Double.NaN;
        }
        double mean = meanNll();
        double var = sumNllSq / nScored - mean * mean;
        return perplexity() * Math.sqrt(Math.max(0, var) / (nScored - 1));
    }

    public double tokensPerSecond() {
        return nanos <= 0 ? 0 : tokensRun * 1e9 / nanos;
    }
}
