package io.sparkllama.jobs;

/** A job's command line or settings are wrong: unknown key, missing option, bad value. */
public class JobConfigException extends RuntimeException {
    public JobConfigException(String message) {
        super(message);
    }
}
