package io.sparkllama.engine.generate;

import io.sparkllama.engine.error.InvalidRequestException;

/**
 * How the next token is chosen. Temperature 0 is greedy (argmax, lowest id on ties); otherwise
 * logits are divided by the temperature, cut to the top-k and then to the smallest set whose
 * probability reaches top-p, and sampled with a generator seeded per request.
 *
 * @param topK 0 for no top-k cut
 * @param topP 1 for no nucleus cut
 */
public record SamplingParams(float temperature, int topK, float topP, long seed) {
    public static final SamplingParams GREEDY = new SamplingParams(0f, 0, 1f, 0L);

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
    }

    public boolean greedy() {
        return temperature == 0f;
    }
}
