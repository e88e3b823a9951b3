package io.sparkllama.engine.generate;

import io.sparkllama.engine.error.InvalidRequestException;

/**
 * How the next token is chosen. The logits are first adjusted: {@code logitBias} added, then the
 * penalties ({@code sampling.LogitPenalties}). Temperature 0 is then greedy (argmax, lowest id on ties);
 * otherwise the logits are divided by the temperature, cut to the top-k, to the smallest set whose
 * probability reaches top-p, and to the tokens whose probability is at least {@code minP} times the
 * most likely one's, and sampled with a generator seeded per request.
 *
 * @param topK              0 for no top-k cut
 * @param topP              1 for no nucleus cut
 * @param minP              0 for no min-p cut; in [0, 1]
 * @param repetitionPenalty 1 for none; Hugging Face's (CTRL) definition, over prompt and completion
 * @param frequencyPenalty  0 for none; OpenAI's definition, over the completion's tokens; in [-2, 2]
 * @param presencePenalty   0 for none; OpenAI's definition, over the completion's tokens; in [-2, 2]
 * @param logitBias         per-id values added to the logits ({@link LogitBias#NONE} for none)
 */
public record SamplingParams(float temperature, int topK, float topP, long seed, float minP,
                             float repetitionPenalty, float frequencyPenalty, float presencePenalty, LogitBias logitBias) {
    public static final SamplingParams GREEDY = new SamplingParams(0f, 0, 1f, 0L);

    /** Temperature, top-k and top-p only: no min-p, penalties or bias. */
    public SamplingParams(float temperature, int topK, float topP, long seed) {
        this(temperature, topK, topP, seed, 0f, 1f, 0f, 0f, LogitBias.NONE);
    }

    public SamplingParams {
        if (!(temperature >= 0f) || Float.isInfinite(temperature)) {
            throw new InvalidRequestException("temperature must be a finite number >= 0, got " + temperature);
        }
        if (topK < 0) {
            throw new InvalidRequestException("top_k must be >= 0 (0 = off), got " + topK);
        }
        if (!(topP > 0f && topP <= 1f)) {
            throw new InvalidRequestException("top_p must be in (0, 1], got " + topP);
        }
        if (!(minP >= 0f && minP <= 1f)) {
            throw new InvalidRequestException("min_p must be in [0, 1] (0 = off), got " + minP);
        }
        if (!(repetitionPenalty > 0f) || Float.isInfinite(repetitionPenalty)) {
            throw new InvalidRequestException("repetition_penalty must be a finite number > 0 (1 = off), got " + repetitionPenalty);
        }
        if (!(frequencyPenalty >= -2f && frequencyPenalty <= 2f)) {
            throw new InvalidRequestException("frequency_penalty must be in [-2, 2] (0 = off), got " + frequencyPenalty);
        }
        if (!(presencePenalty >= -2f && presencePenalty <= 2f)) {
            throw new InvalidRequestException("presence_penalty must be in [-2, 2] (0 = off), got " + presencePenalty);
        }
        if (logitBias == null) {
            throw new InvalidRequestException("logit_bias must not be null (use LogitBias.NONE)");
        }
    }

    public boolean greedy() {
        return temperature == 0f;
    }

    /** Whether any penalty is on: then each sequence keeps {@code sampling.TokenCounts}. */
    public boolean penalizes() {
        return repetitionPenalty != 1f || frequencyPenalty != 0f || presencePenalty != 0f;
    }

    /** Whether the logits are changed before sampling (penalties or a bias). */
    public boolean adjustsLogits() {
        return penalizes() || !logitBias.isEmpty();
    }

    /** The same settings with another seed (the n samples of one row). */
    public SamplingParams withSeed(long newSeed) {
        return new SamplingParams(temperature, topK, topP, newSeed, minP, repetitionPenalty, frequencyPenalty, presencePenalty, logitBias);
    }
}
