package io.sparkllama.engine.generate;

import java.util.List;

/**
 * A conversation rendered by a chat template ({@code Engine.chatPrompt}): the prompt ids, ending
 * where the assistant speaks next, and the ids that end the assistant's turn (a request's stop tokens).
 */
public record ChatPrompt(int[] tokens, int[] stopTokens) {
    public ChatPrompt {
        tokens = tokens.clone();
        stopTokens = stopTokens.clone();
    }

    /** A request for this prompt: generation also stops at the template's end-of-turn ids. */
    public GenerationRequest request(int maxTokens, SamplingParams sampling, List<String> stopStrings) {
        return new GenerationRequest(tokens, maxTokens, sampling, stopTokens, stopStrings);
    }
}
