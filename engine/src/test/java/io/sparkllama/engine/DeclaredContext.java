package io.sparkllama.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test helper: a copy of a GGUF file whose {@code llama.context_length} says another number (weights untouched). */
public final class DeclaredContext {
    private DeclaredContext() {
    }

    public static Path copyWithContext(Path gguf, Path dir, int context) throws IOException {
        byte[] bytes = Files.readAllBytes(gguf);
        byte[] key = "llama.context_length".getBytes(StandardCharsets.UTF_8);
        int at = indexOf(bytes, key);
        if (at < 0) {
            throw new IllegalArgumentException(gguf + " has no llama.context_length");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int type = b.getInt(at + key.length);
        if (type != 4) { // GGUF_TYPE_UINT32
            throw new IllegalArgumentException("llama.context_length of " + gguf + " has type " + type + ", not uint32");
        }
        b.putInt(at + key.length + 4, context);
        Path out = dir.resolve("ctx" + context + "-" + gguf.getFileName());
        Files.write(out, bytes);
        return out;
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
