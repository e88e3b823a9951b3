package io.sparkllama.engine.generate;

import io.sparkllama.engine.error.InvalidRequestException;
import io.sparkllama.engine.sampling.SamplingParams;

/**
 * One completion to produce.
 *
 * @param promptTokens the prompt's ids, BOS first where the model expects it
 * @param maxTokens    most tokens to generate (fewer if a stop token comes or the context fills)
 */
public record GenerationRequest(int[] promptTokens, int maxTokens, SamplingParams sampling) {
    public GenerationRequest {
        if (promptTokens.length == 0) {
            throw new InvalidRequestException("prompt has no tokens");
        }
        if (maxTokens < 0) {
            throw new InvalidRequestException("max_tokens must be >= 0, got " + maxTokens);
        }
    }
}
