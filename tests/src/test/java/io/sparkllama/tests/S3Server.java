package io.sparkllama.tests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * An S3-compatible server on 127.0.0.1 for tests: S3Proxy (Maven Central, copied to
 * {@code tests/target/s3proxy} by the build) with its filesystem backend, in a JVM of its own
 * (its Jetty and Guice stay off Spark's classpath), stopped by its process handle.
 */
final class S3Server implements AutoCloseable {
    static final String ACCESS_KEY = "spark-llama-test";
    static final String SECRET_KEY = "spark-llama-test-secret";

    private final Process process;
    private final int port;
    private final Path root;

    private S3Server(Process process, int port, Path root) {
        this.process = process;
        this.port = port;
        this.root = root;
    }

    /** Starts the server storing buckets as directories under {@code dir}, and waits until it accepts connections. */
    static S3Server start(Path dir) throws IOException {
        Path jar = TestSpark.requireBuilt(TestSpark.repo().resolve("tests/target/s3proxy/s3proxy-jar-with-dependencies.jar"));
        Path root = Files.createDirectories(dir.resolve("buckets"));
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path conf = dir.resolve("s3proxy.conf");
        Files.write(conf, List.of(
                "s3proxy.endpoint=http://127.0.0.1:" + port,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + ACCESS_KEY,
                "s3proxy.credential=" + SECRET_KEY,
                "jclouds.provider=filesystem",
                "jclouds.filesystem.basedir=" + root));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx256m", "-jar", jar.toString(), "--properties", conf.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("s3proxy.log").toFile()).start();
        S3Server server = new S3Server(p, port, root);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return server;
            } catch (IOException notYet) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    server.close();
                    throw new IllegalStateException("S3Proxy did not start on 127.0.0.1:" + port + "; see " + dir.resolve("s3proxy.log"));
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    /** http://127.0.0.1:port */
    String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    /**
     * The S3A settings that reach this server (what a user passes as {@code spark.hadoop.fs.s3a.*}):
     * endpoint, path-style requests, keys; one attempt per request, so refusals come at once.
     */
    Map<String, String> hadoopSettings() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("fs.s3a.endpoint", endpoint());
        m.put("fs.s3a.endpoint.region", "us-east-1");
        m.put("fs.s3a.path.style.access", "true");
        m.put("fs.s3a.access.key", ACCESS_KEY);
        m.put("fs.s3a.secret.key", SECRET_KEY);
        m.put("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
        m.put("fs.s3a.attempts.maximum", "1");
        m.put("fs.s3a.retry.limit", "1");
        // S3Proxy answers 501 to the SDK's multi-object delete (its checksum headers): delete one key at a time.
        m.put("fs.s3a.multiobjectdelete.enable", "false");
        return m;
    }

    /** Creates an empty bucket (with the filesystem backend, a directory). */
    void createBucket(String name) {
        try {
            Files.createDirectories(root.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
