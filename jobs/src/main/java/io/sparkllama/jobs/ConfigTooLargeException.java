package io.sparkllama.jobs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A job or sweep config over {@value #LIMIT_BYTES} bytes: refused from its size alone, before a
 * parser sees it (a YAML parser can spin for minutes on a crafted multi-megabyte scalar).
 */
public class ConfigTooLargeException extends JobConfigException {
    /** Real configs are a few kilobytes; 1 MiB leaves room for long lists of models and tasks. */
    public static final long LIMIT_BYTES = 1 << 20;

    public ConfigTooLargeException(String message) {
        super(message);
    }

    /** Refuses {@code file} when it is larger than the limit. */
    public static void check(Path file, String what) {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            return; // the reader reports an unreadable file with its own message
        }
        if (size > LIMIT_BYTES) {
            throw new ConfigTooLargeException(what + " " + file + " is " + size + " bytes, over the " + LIMIT_BYTES
                    + "-byte limit for configs; is it the right file?");
        }
    }
}
