package io.sparkllama.engine.error;

/**
 * A PyTorch checkpoint ({@code .pth}/{@code .pt}: a zip holding a pickle and tensor storages) is
 * malformed or its tensors do not fit together; the message names the file and the entry or tensor.
 */
public class CheckpointFormatException extends ModelFormatException {
    public CheckpointFormatException(String message) {
        super(message);
    }
}
