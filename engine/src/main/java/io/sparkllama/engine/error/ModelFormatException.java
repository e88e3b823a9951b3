package io.sparkllama.engine.error;

import java.nio.file.Path;

/** A model file is malformed, truncated or inconsistent; the message names the file and the field. */
public class ModelFormatException extends SparkLlamaException {
    public ModelFormatException(String message) {
        super(message);
    }

    public ModelFormatException(String message, Throwable cause) {
        super(message, cause);
    }

    public static ModelFormatException of(Path file, String problem) {
        return new ModelFormatException(file + ": " + problem);
    }
}
