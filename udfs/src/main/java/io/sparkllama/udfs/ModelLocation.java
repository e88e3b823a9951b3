package io.sparkllama.udfs;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.SparkEnv;
import org.apache.spark.deploy.SparkHadoopUtil;

/**
 * A model path as the user gave it: a local path or {@code file:} URI (read with java.nio), or any
 * other Hadoop URI ({@code hdfs://}, {@code s3a://}, ...) read through the Hadoop FileSystem API.
 */
public final class ModelLocation {
    private final String given;
    private final Path local;

    private ModelLocation(String given, Path local) {
        this.given = given;
        this.local = local;
    }

    /** Relative local paths are made absolute here, on the driver: executors run in other directories. */
    public static ModelLocation of(String pathOrUri) {
        if (pathOrUri.startsWith("file:")) {
            return new ModelLocation(pathOrUri, Path.of(URI.create(pathOrUri)));
        }
        int colon = pathOrUri.indexOf(':');
        int slash = pathOrUri.indexOf('/');
        boolean hasScheme = colon > 1 && (slash < 0 || colon < slash);
        return hasScheme ? new ModelLocation(pathOrUri, null) : new ModelLocation(pathOrUri, Path.of(pathOrUri).toAbsolutePath().normalize());
    }

    public boolean isLocal() {
        return local != null;
    }

    /** The absolute local path or the URI, as executors should see it. */
    public String source() {
        return local != null ? local.toString() : given;
    }

    /** Whether anything is at this path or URI (a failure to ask, such as a refused connection, is an error, not false). */
    public boolean exists() {
        try {
            return local != null ? Files.exists(local) : fs().exists(hadoopPath());
        } catch (IOException e) {
            throw new ModelTransferException(given + ": cannot stat (" + e.getMessage() + ")", e);
        }
    }

    public boolean isDirectory() {
        try {
            return local != null ? Files.isDirectory(local) : fs().getFileStatus(hadoopPath()).isDirectory();
        } catch (IOException e) {
            throw new ModelTransferException(given + ": cannot stat (" + e.getMessage() + ")", e);
        }
    }

    /** The regular files directly inside this directory, sorted by name. */
    public List<ModelLocation> filesInside() {
        List<ModelLocation> out = new ArrayList<>();
        try {
            if (local != null) {
                try (var s = Files.list(local)) {
                    s.filter(Files::isRegularFile).sorted().forEach(p -> out.add(new ModelLocation(p.toString(), p)));
                }
            } else {
                for (FileStatus st : fs().listStatus(hadoopPath())) {
                    if (st.isFile()) {
                        out.add(new ModelLocation(st.getPath().toString(), null));
                    }
                }
                out.sort((a, b) -> a.given.compareTo(b.given));
            }
        } catch (IOException e) {
            throw new ModelTransferException(given + ": cannot list directory (" + e.getMessage() + ")", e);
        }
        return out;
    }

    public String name() {
        return local != null ? local.getFileName().toString() : hadoopPath().getName();
    }

    public long size() {
        try {
            return local != null ? Files.size(local) : fs().getFileStatus(hadoopPath()).getLen();
        } catch (IOException e) {
            throw new ModelTransferException(given + ": cannot stat (" + e.getMessage() + ")", e);
        }
    }

    public InputStream open() throws IOException {
        return local != null ? Files.newInputStream(local) : fs().open(hadoopPath());
    }

    /** The local path, or null for a remote URI. */
    public Path localPath() {
        return local;
    }

    private org.apache.hadoop.fs.Path hadoopPath() {
        return new org.apache.hadoop.fs.Path(given);
    }

    // Spark's Hadoop settings (spark.hadoop.fs.s3a.endpoint, credentials, ...) on the driver and
    // on executors alike; a bare Configuration holds only the *-site.xml files.
    private FileSystem fs() throws IOException {
        SparkEnv env = SparkEnv.get();
        Configuration conf = env == null ? new Configuration() : SparkHadoopUtil.get().newConfiguration(env.conf());
        return hadoopPath().getFileSystem(conf);
    }

    @Override
    public String toString() {
        return source();
    }
}
