package io.sparkllama.engine.error;

/** A PyTorch checkpoint is not a readable zip archive (bad directory, compressed or missing entries). */
public class ZipFormatException extends CheckpointFormatException {
    public ZipFormatException(String message) {
        super(message);
    }
}
