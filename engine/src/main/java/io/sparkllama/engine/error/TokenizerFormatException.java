package io.sparkllama.engine.error;

import java.nio.file.Path;

/** A tokenizer file is malformed or truncated; the message names the file and the field. */
public class TokenizerFormatException extends SparkLlamaException {
    public TokenizerFormatException(String message) {
        super(message);
    }

    public static TokenizerFormatException of(Path file, String problem) {
        return new TokenizerFormatException(file + ": " + problem);
    }
}
