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

    /** Bytes collected so far. */
    public int size() {
        return size;
    }

    /** The first offset {@code >= from} where {@code needle}'s bytes start, or -1. */
    public int indexOf(byte[] needle, int from) {
        outer:
        for (int i = Math.max(0, from), last = size - needle.length; i <= last; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (bytes[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** Drops every byte from {@code newSize} on. */
    public void truncate(int newSize) {
        if (newSize < 0 || newSize > size) {
            throw new IllegalArgumentException("cannot truncate " + size + " bytes to " + newSize);
        }
        size = newSize;
    }

    /** The text so far; a UTF-8 sequence cut off at the end, or an invalid one, becomes U+FFFD. */
    @Override
    public String toString() {
        return new String(bytes, 0, size, StandardCharsets.UTF_8);
    }
}
