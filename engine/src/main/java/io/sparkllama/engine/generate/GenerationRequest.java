package io.sparkllama.engine.generate;

import io.sparkllama.engine.error.InvalidRequestException;

/**
 * One completion to produce.
 *
 * @param promptTokens the prompt's ids, BOS first where the model expects it
 * @param maxTokens    most tokens to generate (fewer if a stop token comes or the context fills)
 * @param stopTokens   ids that end generation besides the tokenizer's own (e.g. a chat template's end of turn)
 * @param topLogprobs  alternatives to report per generated token (0 for none)
 * @param output       what the completion must be (JSON conforming to a schema, one of some labels), or null
 */
public record GenerationRequest(int[] promptTokens, int maxTokens, SamplingParams sampling, int[] stopTokens, int topLogprobs,
                                OutputFormat output) {
    /** Most alternatives per token that {@code top_logprobs} may ask for (generation and scoring). */
    public static final int MAX_TOP_LOGPROBS = 20;

    public GenerationRequest(int[] promptTokens, int maxTokens, SamplingParams sampling) {
        this(promptTokens, maxTokens, sampling, new int[0]);
    }

    public GenerationRequest(int[] promptTokens, int maxTokens, SamplingParams sampling, int[] stopTokens) {
        this(promptTokens, maxTokens, sampling, stopTokens, 0, null);
    }

    /** This request with {@code topLogprobs} alternatives per token and decoding held to {@code output} (or null). */
    public GenerationRequest withOutput(int topLogprobs, OutputFormat output) {
        return new GenerationRequest(promptTokens, maxTokens, sampling, stopTokens, topLogprobs, output);
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
        if (topLogprobs < 0 || topLogprobs > MAX_TOP_LOGPROBS) {
            throw new InvalidRequestException("top_logprobs must be 0 to " + MAX_TOP_LOGPROBS + ", got " + topLogprobs);
        }
    }
}
