package io.sparkllama.engine.error;

/** A model stores a tensor in a type this engine has no kernels for; the message names the tensor and type. */
public class UnsupportedTensorTypeException extends ModelFormatException {
    public UnsupportedTensorTypeException(String message) {
        super(message);
    }
}
