package io.sparkllama.udfs.tokencache;

import java.nio.file.Path;

/** A cached token file that is not a complete Arrow IPC file of the expected layout; the message names the file. */
public final class CorruptTokenFileException extends RuntimeException {
    public CorruptTokenFileException(Path file, String why) {
        super("token cache file " + file + " is unusable: " + why);
    }

    public CorruptTokenFileException(Path file, String why, Throwable cause) {
        super("token cache file " + file + " is unusable: " + why, cause);
    }
}
