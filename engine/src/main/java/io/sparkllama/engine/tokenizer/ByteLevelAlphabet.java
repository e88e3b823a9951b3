package io.sparkllama.engine.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * GPT-2's reversible byte-to-unicode alphabet, in which byte-level BPE vocabularies (GGUF
 * {@code gpt2}, Hugging Face {@code tokenizer.json}) spell their tokens: printable bytes stand for
 * themselves, the other 68 bytes for U+0100 onwards in byte order.
 */
public final class ByteLevelAlphabet {
    private static final int[] CHAR_TO_BYTE = new int[512];

    static {
        java.util.Arrays.fill(CHAR_TO_BYTE, -1);
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            CHAR_TO_BYTE[printable ? b : next++] = b;
        }
    }

    private ByteLevelAlphabet() {
    }

    /** The raw bytes a token spelled in the alphabet stands for; null if it uses other characters. */
    public static byte[] decode(String token) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(token.length());
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            int b = c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
            if (b < 0) {
                return null;
            }
            out.write(b);
        }
        return out.toByteArray();
    }

    /** {@link #decode}, or the token's UTF-8 when it is not spelled in the alphabet. */
    public static byte[] decodeOrUtf8(String token) {
        byte[] b = decode(token);
        return b != null ? b : token.getBytes(StandardCharsets.UTF_8);
    }
}
