package io.sparkllama.jobs.sweep;

import io.sparkllama.jobs.storage.StorageCheck;
import io.sparkllama.udfs.ModelLocation;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.RemoteIterator;

/** A sweep's output directory seen as a local one: a local output as it is, a Hadoop URI through a local staging copy pushed back after each cell. */
public final class RemoteOutputMirror implements AutoCloseable {
    private static final String UPLOADING = ".uploading";

    private final String output;
    private final Path local;
    private final org.apache.hadoop.fs.Path remote;
    private final Configuration conf;
    /** Size and modification time of each staged file as last pulled or pushed: what changed since. */
    private final Map<Path, List<Long>> pushed = new HashMap<>();

    private RemoteOutputMirror(String output, Path local, org.apache.hadoop.fs.Path remote, Configuration conf) {
        this.output = output;
        this.local = local;
        this.remote = remote;
        this.conf = conf;
    }

    /**
     * The mirror of {@code output}: a local path is used in place; a Hadoop URI is checked for write
     * access (a {@code StorageAccessException} before any cell) and copied, if it exists, into a new
     * directory under {@code java.io.tmpdir}.
     */
    public static RemoteOutputMirror open(String output, Configuration conf) {
        ModelLocation at = ModelLocation.of(output);
        if (at.isLocal()) {
            return new RemoteOutputMirror(output, output.startsWith("file:") ? at.localPath() : Path.of(output), null, conf);
        }
        StorageCheck.writable("output", output, conf);
        Path staging;
        try {
            staging = Files.createTempDirectory("spark-llama-sweep-output-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a staging directory for the sweep output " + output + " under "
                    + System.getProperty("java.io.tmpdir") + ": set java.io.tmpdir (spark.driver.extraJavaOptions) to a writable disk", e);
        }
        RemoteOutputMirror m = new RemoteOutputMirror(output, staging, new org.apache.hadoop.fs.Path(output), conf);
        try {
            m.pull();
        } catch (IOException e) {
            m.close();
            throw new UncheckedIOException("cannot copy the sweep output " + output + " to " + staging, e);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
        return m;
    }

    /** The directory the sweep writes to. */
    public Path local() {
        return local;
    }

    /** Where a cell's samples are written (by Spark, straight to the output: an executor cannot write the driver's disk); null: under {@link #local()}. */
    public String samplesRoot() {
        return remote == null ? null : remote.toString();
    }

    /** Where {@code file} (under {@link #local()}) is published: itself for a local output, else its URI under the output. */
    public String published(Path file) {
        return remote == null ? file.toString() : new org.apache.hadoop.fs.Path(remote, local.relativize(file).toString()).toString();
    }

    private void pull() throws IOException {
        FileSystem fs = remote.getFileSystem(conf);
        if (!fs.exists(remote)) {
            return;
        }
        if (!fs.getFileStatus(remote).isDirectory()) {
            throw new SweepException("output " + output + " is a file: name a directory (it holds the cells, run history and report)");
        }
        String root = fs.makeQualified(remote).toUri().getPath();
        root = root.endsWith("/") ? root : root + "/";
        RemoteIterator<LocatedFileStatus> files = fs.listFiles(remote, true);
        while (files.hasNext()) {
            FileStatus f = files.next();
            String rel = f.getPath().toUri().getPath().substring(root.length());
            if (f.getPath().getName().endsWith(UPLOADING) || rel.contains("/" + CellStore.SAMPLES + "/")) {
                continue; // left by an interrupted push; samples are written to the output directly, and not read back
            }
            Path to = local.resolve(rel);
            Files.createDirectories(to.getParent());
            try (InputStream in = fs.open(f.getPath())) {
                Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
            }
            pushed.put(to, stamp(to));
        }
    }

    /**
     * Copies every staged file that is new or changed since the last push to the output, each under a
     * hidden temporary name renamed over the target; a {@code metrics.json} (a cell's completion, a
     * run's record) goes after the other files and the run pointers last, so the output never shows a
     * run recorded before its files are there.
     */
    public void push() {
        if (remote == null) {
            return;
        }
        try {
            List<Path> changed = new ArrayList<>();
            Map<Path, List<Long>> now = new HashMap<>();
            try (Stream<Path> walk = Files.walk(local)) {
                for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                    now.put(p, stamp(p));
                    if (!now.get(p).equals(pushed.get(p))) {
                        changed.add(p);
                    }
                }
            }
            changed.sort(Comparator.comparingInt(this::order).thenComparing(Path::toString));
            FileSystem fs = remote.getFileSystem(conf);
            FileContext fc = FileContext.getFileContext(remote.toUri(), conf);
            for (Path p : changed) {
                org.apache.hadoop.fs.Path to = new org.apache.hadoop.fs.Path(published(p));
                org.apache.hadoop.fs.Path tmp = new org.apache.hadoop.fs.Path(to.getParent(), "." + to.getName() + UPLOADING);
                try (OutputStream out = fs.create(tmp, true)) {
                    Files.copy(p, out);
                }
                fc.rename(tmp, to, Options.Rename.OVERWRITE);
                pushed.put(p, now.get(p));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the sweep's results from " + local + " to " + output
                    + " (the cells pushed before are in the output; rerun to resume)", e);
        }
    }

    /** 0: data; 1: a metrics.json (a cell's completion, a run's record); 2: a run pointer (runs/latest, runs/last-passed). */
    private int order(Path p) {
        Path rel = local.relativize(p);
        if (rel.getNameCount() == 2 && rel.getName(0).toString().equals("runs")) {
            return 2;
        }
        return p.getFileName().toString().equals(CellStore.METRICS) ? 1 : 0;
    }

    private static List<Long> stamp(Path p) throws IOException {
        return List.of(Files.size(p), Files.getLastModifiedTime(p).to(java.util.concurrent.TimeUnit.NANOSECONDS));
    }

    /** Deletes the staging copy (a local output is left alone). */
    @Override
    public void close() {
        if (remote == null) {
            return;
        }
        try (Stream<Path> walk = Files.walk(local)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the sweep's staging directory " + local, e);
        }
    }
}
