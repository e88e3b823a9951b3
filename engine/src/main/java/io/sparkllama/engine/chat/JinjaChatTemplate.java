package io.sparkllama.engine.chat;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import io.sparkllama.engine.error.ChatTemplateException;
import io.sparkllama.engine.format.ChatTemplateSource;
import io.sparkllama.engine.generate.ChatMessage;
import io.sparkllama.engine.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model file's own chat template, rendered by Jinjava as Hugging Face's {@code apply_chat_template}
 * does: variables {@code messages} (maps with {@code role} and {@code content}), {@code bos_token},
 * {@code eos_token}, {@code add_generation_prompt} (true) and the function {@code raise_exception}.
 * The text is tokenized with special tokens parsed: the BOS and EOS texts become their ids and the
 * text between them is encoded without a BOS. Generation stops at EOS and at the end-of-turn
 * tokens the template writes ({@link #END_OF_TURN}).
 */
public final class JinjaChatTemplate implements ChatTemplate {
    /** End-of-turn token texts of common templates; those that the template names and the vocabulary has stop generation. */
    static final List<String> END_OF_TURN = List.of("<|eot_id|>", "<|eom_id|>", "<|end_of_text|>", "<|im_end|>", "<|end|>", "<end_of_turn>");
    /** Longest rendered prompt, in characters: a template that loops must not exhaust the heap. */
    private static final long MAX_OUTPUT_CHARS = 4L << 20;

    private static final Jinjava JINJA = newJinjava();

    private final ChatTemplateSource source;
    private final Tokenizer tokenizer;
    private final int[] stopTokens;

    public JinjaChatTemplate(ChatTemplateSource source, Tokenizer tokenizer) {
        this.source = source;
        this.tokenizer = tokenizer;
        this.stopTokens = stopTokens(source, tokenizer);
    }

    private static Jinjava newJinjava() {
        Jinjava j = new Jinjava(JinjavaConfig.newBuilder().withMaxOutputSize(MAX_OUTPUT_CHARS).withFailOnUnknownTokens(false).build());
        j.registerFunction(new ELFunctionDefinition("", "raise_exception", TemplateFunctions.class, "raiseException", String.class));
        return j;
    }

    /** What a template's {@code raise_exception} calls. */
    public static final class TemplateFunctions {
        private TemplateFunctions() {
        }

        public static Object raiseException(String message) {
            throw new ChatTemplateException(message);
        }
    }

    /** The template's text for {@code messages}, ending with the assistant's turn opened. */
    public String render(List<ChatMessage> messages) {
        List<Map<String, Object>> list = new ArrayList<>(messages.size());
        for (ChatMessage m : messages) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("role", m.role());
            entry.put("content", m.content());
            list.add(entry);
        }
        Map<String, Object> vars = new HashMap<>();
        vars.put("messages", list);
        vars.put("bos_token", source.bosToken());
        vars.put("eos_token", source.eosToken());
        vars.put("add_generation_prompt", true);
        RenderResult r;
        try {
            r = JINJA.renderForResult(source.template(), vars);
        } catch (RuntimeException e) {
            throw new ChatTemplateException("chat template of " + source.origin() + " failed to render: " + rootMessage(e));
        }
        for (TemplateError e : r.getErrors()) {
            if (e.getSeverity() == TemplateError.ErrorType.FATAL) {
                String why = e.getException() != null ? rootMessage(e.getException()) : e.getMessage();
                throw new ChatTemplateException("chat template of " + source.origin() + " failed to render: " + why);
            }
        }
        return r.getOutput();
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.toString();
    }

    @Override
    public int[] encode(List<ChatMessage> messages) {
        String text = render(messages);
        IdBuffer out = new IdBuffer();
        int at = 0;
        while (at < text.length()) {
            int bos = indexOf(text, source.bosToken(), at);
            int eos = indexOf(text, source.eosToken(), at);
            int next = Math.min(bos, eos);
            if (next > at) {
                out.add(tokenizer.encode(text.substring(at, Math.min(next, text.length())), false, true));
            }
            if (next >= text.length()) {
                break;
            }
            boolean isBos = next == bos;
            out.add(isBos ? tokenizer.bosId() : tokenizer.eosId());
            at = next + (isBos ? source.bosToken() : source.eosToken()).length();
        }
        return out.toArray();
    }

    /** Where {@code token} next appears from {@code from}, or the text's length (never for an empty or id-less token). */
    private int indexOf(String text, String token, int from) {
        int i = token.isEmpty() ? -1 : text.indexOf(token, from);
        return i < 0 ? text.length() : i;
    }

    @Override
    public int[] stopTokens() {
        return stopTokens.clone();
    }

    private static int[] stopTokens(ChatTemplateSource source, Tokenizer tokenizer) {
        IdBuffer ids = new IdBuffer();
        if (tokenizer.eosId() >= 0) {
            ids.add(tokenizer.eosId());
        }
        for (String name : END_OF_TURN) {
            if (source.template().contains(name)) {
                int[] special = tokenizer.encode(name, false, true);
                if (special.length == 1 && special[0] != tokenizer.eosId()) {
                    ids.add(special[0]);
                }
            }
        }
        return ids.toArray();
    }
}
