package io.sparkllama.engine.generate;

import io.sparkllama.engine.error.InvalidRequestException;

/**
 * One completion to produce.
 *
 * @param promptTokens the prompt's ids, BOS first where the model expects it
 * @param maxTokens    most tokens to generate (fewer if a stop token comes or the context fills)
 * @param stopTokens   ids that end generation besides the tokenizer's own (e.g. a chat template's end of turn)
 */
public record GenerationRequest(int[] promptTokens, int maxTokens, SamplingParams sampling, int[] stopTokens) {
    public GenerationRequest(int[] promptTokens, int maxTokens, SamplingParams sampling) {
        this(promptTokens, maxTokens, sampling, new int[0]);
    }

    /** Whether {@code token} is one of this request's own stop tokens. */
    public boolean isStopToken(int token) {
        for (int s : stopTokens) {
            if (s == token) {
                return true;
            }
        }
        return false;
    }

    public GenerationRequest {
        if (promptTokens.length == 0) {
            throw new InvalidRequestException("prompt has no tokens");
        }
        if (maxTokens < 0) {
            throw new InvalidRequestException("max_tokens must be >= 0, got " + maxTokens);
        }
    }
}
