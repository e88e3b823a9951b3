package io.sparkllama.engine.sampling;

import io.sparkllama.engine.generate.SamplingParams;
/**
 * The penalties on tokens a sequence has seen. For each id in the prompt or the completion, the
 * repetition penalty {@code r} (Hugging Face's {@code RepetitionPenaltyLogitsProcessor}, from CTRL)
 * makes a logit {@code l} into {@code l / r} when {@code l > 0} and {@code l * r} otherwise; then,
 * for an id generated {@code c > 0} times, OpenAI's frequency and presence penalties subtract
 * {@code c * frequency + presence}. Ids never seen are unchanged.
 */
public final class LogitPenalties {
    private LogitPenalties() {
    }

    /** Applies {@code p}'s penalties to {@code logits[off..)} in place. */
    public static void apply(float[] logits, int off, SamplingParams p, TokenCounts counts) {
        float r = p.repetitionPenalty();
        float frequency = p.frequencyPenalty();
        float presence = p.presencePenalty();
        for (int i = 0, n = counts.distinctCount(); i < n; i++) {
            int id = counts.distinctId(i);
            float l = logits[off + id];
            if (r != 1f) {
                l = l > 0f ? l / r : l * r;
            }
            int c = counts.generated(id);
            if (c > 0) {
                l -= c * frequency + presence;
            }
            logits[off + id] = l;
        }
    }
}
