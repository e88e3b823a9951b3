package io.sparkllama.engine.error;

/** A safetensors file's header is malformed or inconsistent with the file; the message names the file and the tensor. */
public class SafetensorsFormatException extends ModelFormatException {
    public SafetensorsFormatException(String message) {
        super(message);
    }
}
