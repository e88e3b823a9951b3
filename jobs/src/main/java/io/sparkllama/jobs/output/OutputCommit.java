package io.sparkllama.jobs.output;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A job's output written to a fresh attempt directory next to the output and published by renaming
 * it into place, so readers never see a half-written output and rows of two runs never mix. Holds
 * the output's lock for the job's length.
 */
public final class OutputCommit implements AutoCloseable {
    private final CanonicalPath output;
    private final Path attempt;
    private final Configuration conf;
    private final OutputLock lock;
    private boolean published;

    private OutputCommit(CanonicalPath output, Path attempt, Configuration conf, OutputLock lock) {
        this.output = output;
        this.attempt = attempt;
        this.conf = conf;
        this.lock = lock;
    }

    /** Takes the output's lock; the attempt directory is named for the application and the time. */
    public static OutputCommit begin(CanonicalPath output, String applicationId, String holder, Configuration conf) {
        OutputLock lock = OutputLock.acquire(output, holder, conf);
        Path attempt = output.sibling(".spark-llama-attempt-" + applicationId + "-" + System.currentTimeMillis());
        return new OutputCommit(output, attempt, conf, lock);
    }

    /** Where the job writes its rows and run record. */
    public String attemptDirectory() {
        return attempt.toString();
    }

    /** Moves the attempt into place; a replaced output is moved aside first and deleted after. */
    public void publish() {
        Path out = output.hadoopPath();
        try {
            FileSystem fs = out.getFileSystem(conf);
            Path old = null;
            if (fs.exists(out)) {
                old = output.sibling(".spark-llama-replaced-" + System.currentTimeMillis());
                rename(fs, out, old);
            }
            try {
                rename(fs, attempt, out);
            } catch (IOException | RuntimeException e) {
                if (old != null) {
                    fs.rename(old, out); // put the previous output back
                }
                throw e;
            }
            published = true;
            if (old != null) {
                fs.delete(old, true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot publish " + attempt + " as " + output + " (" + e.getMessage() + ")", e);
        }
    }

    private static void rename(FileSystem fs, Path from, Path to) throws IOException {
        if (!fs.rename(from, to)) {
            throw new IOException("rename " + from + " -> " + to + " failed");
        }
    }

    /** Drops an unpublished attempt and releases the lock. */
    @Override
    public void close() {
        try {
            if (!published) {
                attempt.getFileSystem(conf).delete(attempt, true);
            }
        } catch (IOException e) {
            // the lock is released regardless; an attempt left behind is a dot directory readers skip
        } finally {
            lock.close();
        }
    }
}
