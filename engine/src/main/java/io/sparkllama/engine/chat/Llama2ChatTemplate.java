package io.sparkllama.engine.chat;

import io.sparkllama.engine.error.InvalidRequestException;
import io.sparkllama.engine.generate.ChatMessage;
import io.sparkllama.engine.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.List;

/**
 * Llama 2 chat, as Meta's {@code chat_completion}: an optional system message is folded into the
 * first user message inside {@code <<SYS>>\n...\n<</SYS>>\n\n}; each earlier (user, assistant) pair
 * is {@code BOS "[INST] u [/INST] a " EOS}; the last user message is {@code BOS "[INST] u [/INST]"}.
 * Contents are stripped of surrounding whitespace.
 */
public final class Llama2ChatTemplate implements ChatTemplate {
    private static final String B_SYS = "<<SYS>>\n";
    private static final String E_SYS = "\n<</SYS>>\n\n";

    private final Tokenizer tokenizer;

    public Llama2ChatTemplate(Tokenizer tokenizer) {
        if (tokenizer.bosId() < 0 || tokenizer.eosId() < 0) {
            throw new InvalidRequestException("the llama2 chat template needs a tokenizer with BOS and EOS");
        }
        this.tokenizer = tokenizer;
    }

    @Override
    public int[] encode(List<ChatMessage> messages) {
        List<ChatMessage> dialog = new ArrayList<>(messages);
        if (!dialog.isEmpty() && dialog.getFirst().role().equals("system")) {
            if (dialog.size() < 2) {
                throw new InvalidRequestException("llama2 chat: a system message must be followed by a user message");
            }
            ChatMessage sys = dialog.removeFirst();
            ChatMessage first = dialog.removeFirst();
            dialog.addFirst(new ChatMessage(first.role(), B_SYS + sys.content() + E_SYS + first.content()));
        }
        for (int i = 0; i < dialog.size(); i++) {
            String expected = i % 2 == 0 ? "user" : "assistant";
            if (!dialog.get(i).role().equals(expected)) {
                throw new InvalidRequestException("llama2 chat: message " + i + " has role '" + dialog.get(i).role()
                        + "'; roles must be an optional system, then user and assistant alternating, ending with user");
            }
        }
        if (dialog.size() % 2 == 0) {
            throw new InvalidRequestException("llama2 chat: the last message must be from the user");
        }
        IdBuffer out = new IdBuffer();
        for (int i = 0; i + 1 < dialog.size(); i += 2) {
            out.add(tokenizer.encode("[INST] " + dialog.get(i).content().strip() + " [/INST] " + dialog.get(i + 1).content().strip() + " ", true));
            out.add(tokenizer.eosId());
        }
        out.add(tokenizer.encode("[INST] " + dialog.getLast().content().strip() + " [/INST]", true));
        return out.toArray();
    }

    @Override
    public int[] stopTokens() {
        return new int[] {tokenizer.eosId()};
    }
}
