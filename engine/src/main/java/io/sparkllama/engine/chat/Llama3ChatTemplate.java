package io.sparkllama.engine.chat;

import io.sparkllama.engine.error.InvalidRequestException;
import io.sparkllama.engine.generate.ChatMessage;
import io.sparkllama.engine.tokenizer.Tokenizer;
import java.util.List;

/**
 * Llama 3 chat, as Meta's {@code ChatFormat}: {@code <|begin_of_text|>}, then per message
 * {@code <|start_header_id|>role<|end_header_id|>} "\n\n" content {@code <|eot_id|>}, ending with the
 * assistant's header. Contents are stripped; special-token text inside them stays plain text.
 */
public final class Llama3ChatTemplate implements ChatTemplate {
    private final Tokenizer tokenizer;
    private final int beginOfText;
    private final int startHeader;
    private final int endHeader;
    private final int eot;
    private final int endOfText;
    private final int eom;

    public Llama3ChatTemplate(Tokenizer tokenizer) {
        this.tokenizer = tokenizer;
        this.beginOfText = special("<|begin_of_text|>");
        this.startHeader = special("<|start_header_id|>");
        this.endHeader = special("<|end_header_id|>");
        this.eot = special("<|eot_id|>");
        this.endOfText = special("<|end_of_text|>");
        this.eom = specialOrNone("<|eom_id|>"); // Llama 3.1 only
    }

    /** The id of a special token: its text, parsed with special tokens on, is that one id. */
    private int specialOrNone(String name) {
        int[] ids = tokenizer.encode(name, false, true);
        return ids.length == 1 && tokenizer.encode(name, false, false).length > 1 ? ids[0] : -1;
    }

    private int special(String name) {
        int id = specialOrNone(name);
        if (id < 0) {
            throw new InvalidRequestException("the llama3 chat template needs the special token " + name
                    + ", which this tokenizer lacks (is it a Llama 3 tokenizer?)");
        }
        return id;
    }

    @Override
    public int[] encode(List<ChatMessage> messages) {
        if (messages.isEmpty() || !messages.getLast().role().equals("user")) {
            throw new InvalidRequestException("llama3 chat: the last message must be from the user");
        }
        IdBuffer out = new IdBuffer();
        out.add(beginOfText);
        for (ChatMessage m : messages) {
            if (m.role().isBlank() || m.role().contains("<|")) {
                throw new InvalidRequestException("llama3 chat: role '" + m.role() + "' is not a plain role name");
            }
            header(out, m.role());
            out.add(tokenizer.encode(m.content().strip(), false));
            out.add(eot);
        }
        header(out, "assistant");
        return out.toArray();
    }

    private void header(IdBuffer out, String role) {
        out.add(startHeader);
        out.add(tokenizer.encode(role, false));
        out.add(endHeader);
        out.add(tokenizer.encode("\n\n", false));
    }

    @Override
    public int[] stopTokens() {
        return eom >= 0 ? new int[] {eot, endOfText, eom} : new int[] {eot, endOfText};
    }
}
