package io.sparkllama.engine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkllama.engine.generate.ChatMessage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** The {@code --messages} option: a JSON array of {@code {"role": ..., "content": ...}} objects. */
final class ChatMessagesJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ChatMessagesJson() {
    }

    static List<ChatMessage> parse(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new UsageException("chat: --messages is not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        if (root == null || !root.isArray() || root.isEmpty()) {
            throw new UsageException("chat: --messages must be a non-empty JSON array of {\"role\", \"content\"} objects");
        }
        List<ChatMessage> out = new ArrayList<>();
        for (JsonNode m : root) {
            JsonNode role = m.get("role");
            JsonNode content = m.get("content");
            if (role == null || !role.isTextual() || content == null || !content.isTextual()) {
                throw new UsageException("chat: message " + out.size() + " needs string fields role and content: " + m);
            }
            out.add(new ChatMessage(role.textValue(), content.textValue()));
        }
        return out;
    }
}
