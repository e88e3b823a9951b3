package io.sparkllama.engine.error;

/** A file's MD5 differs from the one its checklist.chk records: corrupt or incomplete download. */
public class ChecksumMismatchException extends ModelFormatException {
    public ChecksumMismatchException(String message) {
        super(message);
    }
}
