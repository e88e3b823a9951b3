package io.sparkllama.jobs.sweep;

/** A sweep file is wrong: missing key, bad value, unknown task; the message names the file and key. */
public class SweepException extends RuntimeException {
    public SweepException(String message) {
        super(message);
    }
}
