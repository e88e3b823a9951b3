package io.sparkllama.engine.generate;

/**
 * A completion: the generated ids (a final stop token included), the log-probability of each
 * under the model's own distribution (log-softmax of the raw logits, before temperature), the
 * completion's text (stop token excluded; cut before a stop string) and timings. With {@code topK}
 * alternatives asked for, {@code topIds[i * topK + j]} and {@code topLogprobs[i * topK + j]} are the
 * j-th most likely id at generated token i and its logprob (same distribution); otherwise both are empty.
 */
public record GenerationResult(
        int[] promptTokens,
        int[] tokens,
        float[] logprobs,
        String text,
        FinishReason finishReason,
        long prefillNanos,
        long decodeNanos,
        int topK,
        int[] topIds,
        float[] topLogprobs) {

    public GenerationResult(int[] promptTokens, int[] tokens, float[] logprobs, String text, FinishReason finishReason,
                            long prefillNanos, long decodeNanos) {
        this(promptTokens, tokens, logprobs, text, finishReason, prefillNanos, decodeNanos, 0, new int[0], new float[0]);
    }

    public double promptTokensPerSecond() {
        return rate(promptTokens.length, prefillNanos);
    }

    /** Generated tokens per second, the first token (which comes from the prefill) excluded. */
    public double decodeTokensPerSecond() {
        return rate(Math.max(0, tokens.length - 1), decodeNanos);
    }

    private static double rate(int tokens, long nanos) {
        return nanos <= 0 ? 0 : tokens * 1e9 / nanos;
    }
}
