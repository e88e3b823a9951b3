package io.sparkllama.tests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;

/** A one-datanode MiniDFSCluster on 127.0.0.1 inside the test JVM, with helpers to put local files on it. */
final class HdfsCluster implements AutoCloseable {
    private final MiniDFSCluster cluster;
    private final FileSystem fs;

    private HdfsCluster(MiniDFSCluster cluster) throws IOException {
        this.cluster = cluster;
        this.fs = cluster.getFileSystem();
    }

    /** Starts a namenode and one datanode storing under {@code dir}; no web UI. */
    static HdfsCluster start(Path dir) {
        Configuration conf = new Configuration();
        conf.set("dfs.namenode.http-address", "127.0.0.1:0");
        conf.set("dfs.datanode.address", "127.0.0.1:0");
        conf.set("dfs.datanode.http.address", "127.0.0.1:0");
        conf.set("dfs.datanode.ipc.address", "127.0.0.1:0");
        conf.setBoolean("dfs.permissions.enabled", true);
        try {
            return new HdfsCluster(new MiniDFSCluster.Builder(conf, dir.toFile()).numDataNodes(1).build());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a MiniDFSCluster under " + dir, e);
        }
    }

    /** hdfs://127.0.0.1:port + path. */
    String uri(String path) {
        return fs.getUri() + path;
    }

    FileSystem fs() {
        return fs;
    }

    /** Copies a local file to {@code path} on HDFS and returns its URI. */
    String put(Path local, String path) throws IOException {
        fs.copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(local.toUri()), new org.apache.hadoop.fs.Path(path));
        return uri(path);
    }

    /** Writes bytes to {@code path} on HDFS (replacing it) and returns its URI. */
    String write(String path, byte[] bytes) throws IOException {
        try (var out = fs.create(new org.apache.hadoop.fs.Path(path), true)) {
            out.write(bytes);
        }
        return uri(path);
    }

    /** Copies a local directory's regular files (not its subdirectories) to {@code path} on HDFS. */
    String putFiles(Path localDir, String path) throws IOException {
        try (var files = Files.list(localDir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                put(f, path + "/" + f.getFileName());
            }
        }
        return uri(path);
    }

    @Override
    public void close() {
        cluster.shutdown(true);
    }
}
