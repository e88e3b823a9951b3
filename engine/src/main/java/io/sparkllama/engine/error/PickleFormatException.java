package io.sparkllama.engine.error;

/** A checkpoint's data.pkl is malformed or uses a pickle construct the restricted reader does not accept. */
public class PickleFormatException extends CheckpointFormatException {
    public PickleFormatException(String message) {
        super(message);
    }
}
