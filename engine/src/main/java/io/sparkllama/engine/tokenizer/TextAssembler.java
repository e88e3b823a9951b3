package io.sparkllama.engine.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Collects the raw bytes of decoded tokens and reads them as UTF-8 once they are all there. */
public final class TextAssembler {
    private byte[] bytes = new byte[64];
    private int size;

    public void append(byte[] piece) {
        if (size + piece.length > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + piece.length));
        }
        System.arraycopy(piece, 0, bytes, size, piece.length);
        size += piece.length;
    }

    /** The text so far; a UTF-8 sequence cut off at the end, or an invalid one, becomes U+FFFD. */
    @Override
    public String toString() {
        return new String(bytes, 0, size, StandardCharsets.UTF_8);
    }
}
