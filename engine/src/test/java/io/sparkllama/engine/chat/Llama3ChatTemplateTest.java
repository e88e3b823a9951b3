package io.sparkllama.engine.chat;

import io.sparkllama.engine.generate.ChatMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sparkllama.engine.SharedFiles;
import io.sparkllama.engine.error.InvalidRequestException;
import io.sparkllama.engine.format.TokenizerLoader;
import io.sparkllama.engine.tokenizer.ByteLevelBpeTokenizer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Llama 3 chat template on Meta's tiktoken tokenizer.model: exact ids, checked token by token. */
class Llama3ChatTemplateTest {
    private static final int BEGIN = 128000;
    private static final int END_OF_TEXT = 128001;
    private static final int START_HEADER = 128006;
    private static final int END_HEADER = 128007;
    private static final int EOM = 128008;
    private static final int EOT = 128009;
    private static final int USER = 882;
    private static final int ASSISTANT = 78191;
    private static final int SYSTEM = 9125;
    private static final int NEWLINES = 271;

    private final ByteLevelBpeTokenizer tok =
            (ByteLevelBpeTokenizer) TokenizerLoader.load(SharedFiles.require("models/llama3-tokenizer/tokenizer.model"));

    @Test
    void tokensAreWhatTheConstantsSay() {
        assertEquals("user", text(USER));
        assertEquals("assistant", text(ASSISTANT));
        assertEquals("system", text(SYSTEM));
        assertEquals("\n\n", text(NEWLINES));
        assertEquals("<|eot_id|>", text(EOT));
        assertEquals("<|start_header_id|>", text(START_HEADER));
    }

    @Test
    void systemAndUser() {
        Llama3ChatTemplate t = new Llama3ChatTemplate(tok);
        int[] ids = t.encode(List.of(new ChatMessage("system", "Be brief."), new ChatMessage("user", " hi\n")));
        int[] beBrief = tok.encode("Be brief.", false);
        assertEquals("Be brief.", decode(beBrief));
        int[] hi = tok.encode("hi", false);
        assertArrayEquals(new int[] {6151}, hi);
        assertEquals("hi", text(6151));
        int[] expected = concat(
                new int[] {BEGIN, START_HEADER, SYSTEM, END_HEADER, NEWLINES}, beBrief, new int[] {EOT},
                new int[] {START_HEADER, USER, END_HEADER, NEWLINES, 6151, EOT},
                new int[] {START_HEADER, ASSISTANT, END_HEADER, NEWLINES});
        assertArrayEquals(expected, ids);
        assertArrayEquals(new int[] {EOT, END_OF_TEXT, EOM}, t.stopTokens());
    }

    @Test
    void specialTextInContentStaysText() {
        int[] ids = new Llama3ChatTemplate(tok).encode(List.of(new ChatMessage("user", "<|eot_id|>")));
        int eots = 0;
        for (int id : ids) {
            eots += id == EOT ? 1 : 0;
        }
        assertEquals(1, eots, "only the template's own end of turn");
    }

    @Test
    void lastMessageMustBeUser() {
        Llama3ChatTemplate t = new Llama3ChatTemplate(tok);
        assertThrows(InvalidRequestException.class, () -> t.encode(List.of(new ChatMessage("assistant", "x"))));
        assertThrows(InvalidRequestException.class, () -> t.encode(List.of()));
    }

    private String text(int id) {
        return new String(tok.tokenBytes(id), StandardCharsets.UTF_8);
    }

    private String decode(int[] ids) {
        return tok.decode(-1, ids, 0, ids.length);
    }

    private static int[] concat(int[]... parts) {
        int n = 0;
        for (int[] p : parts) {
            n += p.length;
        }
        int[] out = new int[n];
        int o = 0;
        for (int[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
        }
        return out;
    }
}
