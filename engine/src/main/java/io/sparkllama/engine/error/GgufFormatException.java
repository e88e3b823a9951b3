package io.sparkllama.engine.error;

import java.nio.file.Path;

/** A GGUF file's header, metadata or tensor directory is malformed or inconsistent; the message names the file and the field. */
public class GgufFormatException extends ModelFormatException {
    public GgufFormatException(String message) {
        super(message);
    }

    public static GgufFormatException of(Path file, String problem) {
        return new GgufFormatException(file + ": " + problem);
    }
}
