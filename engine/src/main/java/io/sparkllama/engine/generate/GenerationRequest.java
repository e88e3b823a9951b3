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
 * @param topLogprobs  alternatives to report per generated token (0 for none)
 * @param output       what the completion must be (JSON conforming to a schema, one of some labels), or null
 */
public record GenerationRequest(int[] promptTokens, int maxTokens, SamplingParams sampling, int[] stopTokens, List<String> stopStrings,
                                int topLogprobs, OutputFormat output) {
    /** Most stop strings one request may carry. */
    public static final int MAX_STOP_STRINGS = 16;
    /** Longest stop string, in UTF-8 bytes. */
    public static final int MAX_STOP_BYTES = 256;
    /** Most alternatives per token that {@code top_logprobs} may ask for (generation and scoring). */
    public static final int MAX_TOP_LOGPROBS = 20;

    public GenerationRequest(int[] promptTokens, int maxTokens, SamplingParams sampling) {
        this(promptTokens, maxTokens, sampling, new int[0], List.of());
    }

    public GenerationRequest(int[] promptTokens, int maxTokens, SamplingParams sampling, int[] stopTokens) {
        this(promptTokens, maxTokens, sampling, stopTokens, List.of());
    }

    public GenerationRequest(int[] promptTokens, int maxTokens, SamplingParams sampling, int[] stopTokens, List<String> stopStrings) {
        this(promptTokens, maxTokens, sampling, stopTokens, stopStrings, 0, null);
    }

    public GenerationRequest(int[] promptTokens, int maxTokens, SamplingParams sampling, int[] stopTokens, int topLogprobs,
                             OutputFormat output) {
        this(promptTokens, maxTokens, sampling, stopTokens, List.of(), topLogprobs, output);
    }

    /** This request with {@code topLogprobs} alternatives per token and decoding held to {@code output} (or null). */
    public GenerationRequest withOutput(int topLogprobs, OutputFormat output) {
        return new GenerationRequest(promptTokens, maxTokens, sampling, stopTokens, stopStrings, topLogprobs, output);
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
        if (topLogprobs < 0 || topLogprobs > MAX_TOP_LOGPROBS) {
            throw new InvalidRequestException("top_logprobs must be 0 to " + MAX_TOP_LOGPROBS + ", got " + topLogprobs);
        }
    }
}
