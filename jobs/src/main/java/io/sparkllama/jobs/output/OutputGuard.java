package io.sparkllama.jobs.output;

import io.sparkllama.jobs.RunMetadata;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Checks an output path on the driver before the model is hashed or loaded: it must not be, hold
 * or lie inside any path the job reads (input, model, tokenizer, token cache), and an existing
 * output is replaced only as the {@link OutputMode} allows.
 */
public final class OutputGuard {
    private OutputGuard() {
    }

    /**
     * @param output   the output as given
     * @param readPaths what the job reads, by role ("input", "model", ...); null values are skipped
     * @return the output's canonical location
     */
    public static CanonicalPath check(String output, OutputMode mode, Map<String, String> readPaths, Configuration conf) {
        CanonicalPath out = CanonicalPath.of(output, conf);
        if (out.hadoopPath().getParent() == null) {
            throw new OutputPathException("output " + out + " is a filesystem root; choose a directory below it");
        }
        for (Map.Entry<String, String> e : readPaths.entrySet()) {
            if (e.getValue() == null) {
                continue;
            }
            CanonicalPath read = CanonicalPath.of(e.getValue(), conf);
            String role = e.getKey();
            if (read.equals(out)) {
                throw new OutputPathException("output " + out + " is the " + role + " itself; writing there would destroy it: choose another --output");
            }
            if (out.contains(read)) {
                throw new OutputPathException("output " + out + " contains the " + role + " " + read
                        + "; replacing it would delete the " + role + ": choose another --output");
            }
            if (read.contains(out)) {
                throw new OutputPathException("output " + out + " lies inside the " + role + " " + read
                        + "; choose an --output outside it");
            }
        }
        checkState(out, mode, conf);
        return out;
    }

    /**
     * The input's files as listed (a glob's matches, say): none may be the output or lie below it,
     * which the paths as given cannot always tell.
     */
    public static void checkInputFiles(CanonicalPath out, List<String> files, Configuration conf) {
        for (String f : files) {
            CanonicalPath file = CanonicalPath.of(f, conf);
            if (out.contains(file)) {
                throw new OutputPathException("output " + out + (file.equals(out) ? " is" : " contains") + " the input file " + file
                        + "; writing there would destroy it: choose another --output");
            }
        }
    }

    /**
     * What is at the output now, against the mode: run again once the output's lock is held, since
     * another job may have published there between the first check and the lock.
     */
    public static void checkState(CanonicalPath out, OutputMode mode, Configuration conf) {
        Path p = out.hadoopPath();
        try {
            FileSystem fs = p.getFileSystem(conf);
            if (!fs.exists(p)) {
                return;
            }
            if (mode == OutputMode.ERRORIFEXISTS) {
                throw new OutputPathException("output " + out + " already exists; use --set mode=overwrite to replace a previous"
                        + " spark-llama output, or choose another --output");
            }
            if (mode == OutputMode.OVERWRITE_ANY) {
                return;
            }
            FileStatus status = fs.getFileStatus(p);
            if (!status.isDirectory()) {
                throw new OutputPathException("output " + out + " is a file, not a previous spark-llama output; mode=overwrite only"
                        + " replaces those (use mode=overwrite_any to replace it anyway)");
            }
            boolean ours = fs.exists(new Path(p, RunMetadata.FILE_NAME));
            if (!ours && fs.listStatus(p).length > 0) {
                throw new OutputPathException("output " + out + " is not a previous spark-llama output (no " + RunMetadata.FILE_NAME
                        + ") and not empty; mode=overwrite only replaces those (use mode=overwrite_any to replace it anyway)");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check output " + out + " (" + e.getMessage() + ")", e);
        }
    }
}
