package io.sparkllama.engine.generate;

import io.sparkllama.engine.error.InvalidRequestException;

/** One turn of a conversation: {@code system}, {@code user} or {@code assistant}, and its text. */
public record ChatMessage(String role, String content) {
    public ChatMessage {
        if (role == null || content == null) {
            throw new InvalidRequestException("a chat message needs a role and a content");
        }
    }
}
