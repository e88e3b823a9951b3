package io.sparkllama.engine.error;

import java.nio.file.Path;

/** A llama2.c {@code model.bin} header or body is malformed or inconsistent; the message names the file and the field. */
public class Llama2cFormatException extends ModelFormatException {
    public Llama2cFormatException(String message) {
        super(message);
    }

    public static Llama2cFormatException of(Path file, String problem) {
        return new Llama2cFormatException(file + ": " + problem);
    }
}
