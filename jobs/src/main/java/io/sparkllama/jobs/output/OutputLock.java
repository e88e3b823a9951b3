package io.sparkllama.jobs.output;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The one-writer lock of an output: a file {@code .<name>.spark-llama-lock} next to it, created
 * exclusively and holding the writer's application id; removed when the job ends. A second
 * writer fails fast, naming the first.
 */
public final class OutputLock implements AutoCloseable {
    public static final String SUFFIX = ".spark-llama-lock";
    private final Path file;
    private final Configuration conf;

    private OutputLock(Path file, Configuration conf) {
        this.file = file;
        this.conf = conf;
    }

    /** @param holder who writes: application id, name, host and start time */
    public static OutputLock acquire(CanonicalPath output, String holder, Configuration conf) {
        Path lock = output.sibling(SUFFIX);
        byte[] text = (holder + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            FileSystem fs = lock.getFileSystem(conf);
            fs.mkdirs(lock.getParent());
            if ("file".equals(output.scheme())) {
                // O_EXCL: Hadoop's local create(overwrite=false) checks and then creates, which two jobs can both pass.
                Files.write(java.nio.file.Path.of(lock.toUri().getPath()), text, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            } else {
                try (OutputStream out = fs.create(lock, false)) { // atomic on HDFS
                    out.write(text);
                }
            }
            return new OutputLock(lock, conf);
        } catch (FileAlreadyExistsException | org.apache.hadoop.fs.FileAlreadyExistsException e) {
            throw new OutputLockedException("output " + output + " is being written by another job (" + holderOf(lock, conf)
                    + "); wait for it to end, or delete " + lock + " if that job is no longer running");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the output lock " + lock + " (" + e.getMessage() + ")", e);
        }
    }

    private static String holderOf(Path lock, Configuration conf) {
        try (InputStream in = lock.getFileSystem(conf).open(lock)) {
            return new String(in.readNBytes(1024), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return "lock " + lock + " unreadable: " + e.getMessage();
        }
    }

    @Override
    public void close() {
        try {
            file.getFileSystem(conf).delete(file, false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the output lock " + file + " (" + e.getMessage() + ")", e);
        }
    }
}
