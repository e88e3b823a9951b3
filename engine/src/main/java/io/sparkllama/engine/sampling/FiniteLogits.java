package io.sparkllama.engine.sampling;

import io.sparkllama.engine.error.NonFiniteLogitsException;

/**
 * The one check every scored or sampled position passes: its log-sum-exp and the chosen token's
 * logit are finite (a NaN anywhere in the row makes the log-sum-exp NaN, an infinity makes it
 * infinite or NaN), so no NaN or infinite logprob is ever returned.
 */
public final class FiniteLogits {
    private FiniteLogits() {
    }

    /** @return {@code chosen - logSumExp}, the chosen token's logprob */
    public static double logprob(float chosen, double logSumExp, int position) {
        if (!Double.isFinite(logSumExp) || !Float.isFinite(chosen)) {
            throw new NonFiniteLogitsException(position);
        }
        return chosen - logSumExp;
    }

    /** The row's log-sum-exp, refused when not finite (checked before sampling from the row). */
    public static double logSumExp(float[] logits, int off, int vocab, int position) {
        double lse = LogSoftmax.logSumExp(logits, off, vocab);
        if (!Double.isFinite(lse)) {
            throw new NonFiniteLogitsException(position);
        }
        return lse;
    }
}
