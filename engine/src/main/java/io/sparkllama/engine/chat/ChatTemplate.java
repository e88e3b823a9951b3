package io.sparkllama.engine.chat;

import io.sparkllama.engine.error.ChatTemplateException;
import io.sparkllama.engine.generate.ChatMessage;
import io.sparkllama.engine.tokenizer.Tokenizer;
import java.util.List;

/** Turns a conversation into the prompt ids a chat model was trained on, ending where the assistant speaks next. */
public interface ChatTemplate {
    /** The prompt ids of {@code messages}, which must end with a user message. */
    int[] encode(List<ChatMessage> messages);

    /** Ids that end the assistant's turn; generation stops there. */
    int[] stopTokens();

    /** The template of this name ({@code llama2} or {@code llama3}) over {@code tokenizer}. */
    static ChatTemplate named(String name, Tokenizer tokenizer) {
        return switch (name) {
            case "llama2" -> new Llama2ChatTemplate(tokenizer);
            case "llama3" -> new Llama3ChatTemplate(tokenizer);
            default -> throw new ChatTemplateException("template: unknown chat template '" + name + "' (use llama2, llama3 or model)");
        };
    }
}
