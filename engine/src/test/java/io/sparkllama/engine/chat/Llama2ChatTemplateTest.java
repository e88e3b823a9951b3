package io.sparkllama.engine.chat;

import io.sparkllama.engine.generate.ChatMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sparkllama.engine.SharedFiles;
import io.sparkllama.engine.error.InvalidRequestException;
import io.sparkllama.engine.format.TokenizerLoader;
import io.sparkllama.engine.tokenizer.SentencePieceTokenizer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Llama 2 chat template on Meta's tokenizer.model: exact ids, checked piece by piece. */
class Llama2ChatTemplateTest {
    private static final int BOS = 1;
    private static final int EOS = 2;

    private final SentencePieceTokenizer tok =
            (SentencePieceTokenizer) TokenizerLoader.load(SharedFiles.require("models/llama2-tokenizer/tokenizer.model"));

    private String pieces(int[] ids, int from, int to) {
        // Each id's piece, byte tokens <0xNN> as their byte; -1 as previous keeps the leading space.
        java.io.ByteArrayOutputStream sb = new java.io.ByteArrayOutputStream();
        for (int i = from; i < to; i++) {
            sb.writeBytes(tok.decodeBytes(-1, ids[i]));
        }
        return sb.toString(StandardCharsets.UTF_8);
    }

    @Test
    void singleUserTurn() {
        int[] ids = new Llama2ChatTemplate(tok).encode(List.of(new ChatMessage("user", "  hi ")));
        // BOS, "▁[" "INST" "]" "▁hi" "▁[" "/" "INST" "]"
        assertArrayEquals(new int[] {BOS, 518, 25580, 29962, 7251, 518, 29914, 25580, 29962}, ids);
        assertEquals(" [INST] hi [/INST]", pieces(ids, 1, ids.length));
    }

    @Test
    void systemAndTwoTurns() {
        Llama2ChatTemplate t = new Llama2ChatTemplate(tok);
        int[] ids = t.encode(List.of(
                new ChatMessage("system", "Be brief."),
                new ChatMessage("user", "hi"),
                new ChatMessage("assistant", "Hello!"),
                new ChatMessage("user", "bye")));
        int eos = indexOf(ids, EOS);
        assertEquals(BOS, ids[0]);
        assertEquals(" [INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nhi [/INST] Hello! ", pieces(ids, 1, eos));
        assertEquals(BOS, ids[eos + 1]);
        assertArrayEquals(new int[] {518, 25580, 29962, 491, 29872, 518, 29914, 25580, 29962},
                java.util.Arrays.copyOfRange(ids, eos + 2, ids.length));
        assertEquals(" [INST] bye [/INST]", pieces(ids, eos + 2, ids.length));
        assertArrayEquals(new int[] {EOS}, t.stopTokens());
    }

    @Test
    void rolesMustAlternate() {
        Llama2ChatTemplate t = new Llama2ChatTemplate(tok);
        assertThrows(InvalidRequestException.class, () -> t.encode(List.of(new ChatMessage("assistant", "x"))));
        assertThrows(InvalidRequestException.class, () -> t.encode(List.of(new ChatMessage("user", "a"), new ChatMessage("assistant", "b"))));
        assertThrows(InvalidRequestException.class, () -> t.encode(List.of(new ChatMessage("user", "a"), new ChatMessage("user", "b"))));
    }

    private static int indexOf(int[] ids, int id) {
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] == id) {
                return i;
            }
        }
        return -1;
    }
}
