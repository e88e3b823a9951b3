package io.sparkllama.engine.format.tiktoken;

import io.sparkllama.engine.error.TokenizerFormatException;
import io.sparkllama.engine.tokenizer.Tokenizer;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/** Reads Meta's Llama 3 {@code tokenizer.model}: tiktoken {@code base64 rank} lines. */
public final class TiktokenReader {
    private TiktokenReader() {
    }

    public static boolean looksLike(MemorySegment seg) {
        return false;
    }

    public static Tokenizer read(Path path, MemorySegment seg) {
        throw TokenizerFormatException.of(path, "tiktoken tokenizers are not supported yet");
    }
}
