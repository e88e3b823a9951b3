package io.sparkllama.tests;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Spark standalone cluster on 127.0.0.1 from the test classpath: a throwaway SPARK_HOME
 * whose {@code jars/} links the runtime jars, one Master and two Workers (1 core, 1536m each),
 * stopped by PID.
 */
final class StandaloneCluster implements AutoCloseable {
    private final Path home;
    private final List<Process> processes = new ArrayList<>();
    final int masterPort;
    final List<Path> workDirs = new ArrayList<>();

    StandaloneCluster(Path dir) throws IOException {
        this.home = Files.createDirectories(dir.resolve("spark-home"));
        Path jars = Files.createDirectories(home.resolve("jars"));
        Files.createDirectories(home.resolve("conf"));
        Path repo = TestSpark.repo();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry).toAbsolutePath();
            // Spark and its dependencies only: our own classes reach executors in the application jar.
            if (entry.endsWith(".jar") && !p.startsWith(repo) && Files.exists(p) && !Files.exists(jars.resolve(p.getFileName()))) {
                Files.createSymbolicLink(jars.resolve(p.getFileName()), p);
            }
        }
        this.masterPort = freePort();
        Path logs = Files.createDirectories(dir.resolve("logs"));
        start(logs.resolve("master.log"), "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port",
                Integer.toString(masterPort), "--webui-port", Integer.toString(freePort()));
        for (int i = 0; i < 2; i++) {
            Path work = Files.createDirectories(dir.resolve("work-" + i));
            workDirs.add(work);
            start(logs.resolve("worker-" + i + ".log"), "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--cores", "1",
                    "--memory", "1536m", "--webui-port", Integer.toString(freePort()), "--work-dir", work.toString(), url());
        }
        awaitWorkers(logs.resolve("master.log"), 2, 120);
    }

    String url() {
        return "spark://127.0.0.1:" + masterPort;
    }

    /** Environment for processes that need SPARK_HOME (Master, Worker, and SparkSubmit for the executors). */
    Map<String, String> environment() {
        return Map.of("SPARK_HOME", home.toString(), "SPARK_SCALA_VERSION", "2.13", "SPARK_LOCAL_IP", "127.0.0.1",
                "JAVA_HOME", System.getProperty("java.home"));
    }

    private void start(Path log, String mainClass, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", home.resolve("jars") + "/*", mainClass));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(environment());
        processes.add(pb.start());
    }

    private static void awaitWorkers(Path masterLog, int n, int seconds) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (Files.exists(masterLog) && Files.readString(masterLog).split("Registering worker", -1).length - 1 >= n) {
                return;
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
        throw new IOException("workers did not register within " + seconds + " s:\n" + Files.readString(masterLog));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Stops every process this cluster started (workers first, each by its own handle, and their executors). */
    @Override
    public void close() {
        for (int i = processes.size() - 1; i >= 0; i--) {
            Process p = processes.get(i);
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroy();
            try {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
