package io.sparkllama.engine.generate;

import io.sparkllama.engine.error.InvalidRequestException;
import java.util.List;

/**
 * One completion to produce.
 *
 * @param promptTokens the prompt's ids, BOS first where the model expects it
 * @param maxTokens    most tokens to generate (fewer if a stop token or string comes or the context fills)
 * @param stopTokens   ids that end generation besides the tokenizer's own (e.g. a chat template's end of turn)
 * @param stopStrings  texts that end generation where they first appear in the completion, across
 *                     token boundaries; the completion's text ends before the match
 */
public record GenerationRequest(int[] promptTokens, int maxTokens, SamplingParams sampling, int[] stopTokens, List<String> stopStrings) {
    /** Most stop strings one request may carry. */
    public static final int MAX_STOP_STRINGS = 16;
    /** Longest stop string, in UTF-8 bytes. */
    public static final int MAX_STOP_BYTES = 256;

    public GenerationRequest(int[] promptTokens, int maxTokens, SamplingParams sampling) {
        this(promptTokens, maxTokens, sampling, new int[0], List.of());
    }

    public GenerationRequest(int[] promptTokens, int maxTokens, SamplingParams sampling, int[] stopTokens) {
        this(promptTokens, maxTokens, sampling, stopTokens, List.of());
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
        if (stopStrings.size() > MAX_STOP_STRINGS) {
            throw new InvalidRequestException("stop has " + stopStrings.size() + " strings, over the limit of " + MAX_STOP_STRINGS);
        }
        for (String s : stopStrings) {
            if (s == null || s.isEmpty()) {
                throw new InvalidRequestException("stop strings must not be null or empty");
            }
            if (s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_STOP_BYTES) {
                throw new InvalidRequestException("stop string '" + s.substring(0, 20) + "...' is over " + MAX_STOP_BYTES + " UTF-8 bytes");
            }
        }
        stopStrings = List.copyOf(stopStrings);
    }
}
