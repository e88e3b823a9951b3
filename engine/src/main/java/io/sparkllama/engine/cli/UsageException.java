package io.sparkllama.engine.cli;

/** The command line is wrong: unknown option, missing value, bad number. */
public final class UsageException extends RuntimeException {
    public UsageException(String message) {
        super(message);
    }
}
