package io.sparkllama.engine.chat;

import io.sparkllama.engine.generate.ChatMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkllama.engine.Engine;
import io.sparkllama.engine.SharedFiles;
import io.sparkllama.engine.error.ChatTemplateException;
import io.sparkllama.engine.format.ChatTemplateSource;
import io.sparkllama.engine.format.TokenizerLoader;
import io.sparkllama.engine.tokenizer.Tokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A GGUF's embedded template (Hugging Face's Llama 2 and Llama 3 chat templates, written into
 * copies of the shared GGUFs), rendered with Jinja and tokenized, gives the hand-written templates'
 * ids token for token, and Meta's golden ids.
 */
class JinjaChatTemplateTest {
    private static final List<List<ChatMessage>> DIALOGS = List.of(
            List.of(new ChatMessage("user", "  hi ")),
            List.of(new ChatMessage("system", "Be brief."), new ChatMessage("user", "hi")),
            List.of(new ChatMessage("system", "Be brief."), new ChatMessage("user", "hi"), new ChatMessage("assistant", "Hello!"),
                    new ChatMessage("user", "What is 2+2?\nAnswer in words.")),
            List.of(new ChatMessage("user", "caf\u00e9 \u00fcber \u4e16\u754c"), new ChatMessage("assistant", " ok "), new ChatMessage("user", "more")));

    @TempDir
    Path tmp;

    private static String resource(String name) throws IOException {
        try (InputStream in = JinjaChatTemplateTest.class.getResourceAsStream("/chat/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void llama2TemplateInAGgufMatchesTheHandWrittenOne() throws IOException {
        Path gguf = GgufWithChatTemplate.write(SharedFiles.require("models/tiny-random-llama2/llama-2-tiny-random.gguf"),
                resource("llama2-chat.jinja"), tmp);
        try (Engine engine = Engine.open(gguf, null, 0)) {
            ChatTemplate jinja = engine.chatTemplate("model");
            assertTrue(jinja instanceof JinjaChatTemplate);
            ChatTemplate hand = new Llama2ChatTemplate(engine.tokenizer());
            for (List<ChatMessage> d : DIALOGS) {
                assertArrayEquals(hand.encode(d), jinja.encode(d), d.toString());
            }
            // Meta's format, as Llama2ChatTemplateTest checks it on tokenizer.model: BOS "▁[" "INST" "]" "▁hi" "▁[" "/" "INST" "]"
            assertArrayEquals(new int[] {1, 518, 25580, 29962, 7251, 518, 29914, 25580, 29962}, jinja.encode(DIALOGS.get(0)));
            assertArrayEquals(new int[] {2}, jinja.stopTokens());
            assertEquals("<s>[INST] hi [/INST]", ((JinjaChatTemplate) jinja).render(DIALOGS.get(0)));
            ChatTemplateException e = assertThrows(ChatTemplateException.class,
                    () -> jinja.encode(List.of(new ChatMessage("assistant", "x"))));
            assertTrue(e.getMessage().contains("failed to render: Conversation roles must alternate user/assistant/user/assistant/..."),
                    e.getMessage());
        }
    }

    @Test
    void llama3TemplateInAGgufMatchesTheHandWrittenOne() throws IOException {
        Path gguf = GgufWithChatTemplate.write(SharedFiles.require("models/llama3-tokenizer/ggml-vocab-llama-bpe-rebuilt.gguf"),
                resource("llama3-chat.jinja"), tmp);
        ChatTemplateSource source = ChatTemplateSource.find(gguf);
        assertEquals("<|begin_of_text|>", source.bosToken());
        Tokenizer tok = TokenizerLoader.load(gguf);
        JinjaChatTemplate jinja = new JinjaChatTemplate(source, tok);
        Llama3ChatTemplate hand = new Llama3ChatTemplate(tok);
        for (List<ChatMessage> d : DIALOGS) {
            assertArrayEquals(hand.encode(d), jinja.encode(d), d.toString());
        }
        // <|begin_of_text|> <|start_header_id|> user <|end_header_id|> "\n\n" hi <|eot_id|> <|start_header_id|> assistant <|end_header_id|> "\n\n"
        assertArrayEquals(new int[] {128000, 128006, 882, 128007, 271, 6151, 128009, 128006, 78191, 128007, 271},
                jinja.encode(DIALOGS.get(0)));
        assertTrue(java.util.Arrays.stream(jinja.stopTokens()).anyMatch(id -> id == 128009), "stops at <|eot_id|>");
    }

    @Test
    void badTemplatesAndMissingOnesNameTheProblem() throws IOException {
        Path gguf = GgufWithChatTemplate.write(SharedFiles.require("models/llama3-tokenizer/ggml-vocab-llama-bpe-rebuilt.gguf"),
                "{% for m in messages %}{{ m['content'] ", tmp);
        JinjaChatTemplate broken = new JinjaChatTemplate(ChatTemplateSource.find(gguf), TokenizerLoader.load(gguf));
        ChatTemplateException e = assertThrows(ChatTemplateException.class, () -> broken.encode(DIALOGS.get(0)));
        assertTrue(e.getMessage().startsWith("chat template of " + gguf + " (tokenizer.chat_template) failed to render: "), e.getMessage());
        try (Engine engine = Engine.open(SharedFiles.require("models/stories260K/stories260K.bin"),
                SharedFiles.require("models/stories260K/tok512.bin"), 0)) {
            assertEquals("template: the model file carries no chat template (GGUF tokenizer.chat_template or chat_template in"
                    + " tokenizer_config.json); set template to llama2 or llama3",
                    assertThrows(ChatTemplateException.class, () -> engine.chatTemplate("model")).getMessage());
            assertEquals("template: unknown chat template 'llama4' (use llama2, llama3 or model)",
                    assertThrows(ChatTemplateException.class, () -> engine.chatTemplate("llama4")).getMessage());
        }
    }
}
