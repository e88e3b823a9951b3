package io.sparkllama.engine.error;

/** A checkpoint's pickle references a global other than the few tensor storage needs; nothing of it was executed. */
public class UnsafePickleException extends CheckpointFormatException {
    public UnsafePickleException(String message) {
        super(message);
    }
}
