package io.sparkllama.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Spark 4.2 distribution assembled by {@code bin/assemble-spark-dist} (Maven Central's jars, Spark's own
 * launcher scripts), run the way the README tells a user: its {@code sbin/start-master.sh} and
 * {@code sbin/start-worker.sh} on 127.0.0.1, its {@code bin/spark-submit} of the shaded jar, and its
 * {@code sbin/start-connect-server.sh} with the SQL extension serving {@code llama_generate} to the JVM
 * Connect client; the rows equal the in-process job's and a classic session's.
 */
@Tag("cluster")
class SparkDistributionTest {
    /** The flags the README passes: the Vector API and native access; Spark's launcher adds its own --add-opens. */
    static final String FLAGS = "--add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED";

    @TempDir
    Path tmp;

    @Test
    void stockLaunchersRunTheJobAndTheSqlFunctionsOnAStandaloneCluster() throws Exception {
        Path repo = TestSpark.repo();
        Path jar = TestSpark.requireBuilt(repo.resolve("jobs/target/spark-llama-jobs.jar"));
        Path model = TestSpark.requireShared("models/stories260K");
        TestSpark.require(launchers().resolve("bin/spark-class"),
                "Spark's launcher scripts, read from apache/spark: see docs/distribution.md");
        Path connectJars = repo.resolve("tests/target/connect-jars");
        TestSpark.requireBuilt(connectJars.resolve("spark-connect-client-jvm_2.13-4.2.0.jar"));
        // The README's cluster commands, which this test runs (ports and paths aside).
        String readme = Files.readString(repo.resolve("README.md"));
        for (String part : List.of("bin/assemble-spark-dist ", "/sbin/start-master.sh", "/sbin/start-worker.sh spark://127.0.0.1:7077 --cores 1 --memory 1g",
                "/bin/spark-submit --master spark://127.0.0.1:7077 --class io.sparkllama.jobs.SparkLlama \\\n  --driver-java-options \"$FLAGS\" --conf spark.executor.extraJavaOptions=\"$FLAGS\" jobs/target/spark-llama-jobs.jar",
                "generate --input datasets/samples/story-openings.jsonl --output out/cluster --model ../shared/models/stories260K --set max_tokens=12",
                "/sbin/start-connect-server.sh --master spark://127.0.0.1:7077 --jars jobs/target/spark-llama-jobs.jar \\\n"
                        + "  --conf spark.sql.extensions=io.sparkllama.udfs.SparkLlamaExtensions --conf spark.llama.model=../shared/models/stories260K \\\n"
                        + "  --driver-java-options \"$FLAGS\" --conf spark.executor.extraJavaOptions=\"$FLAGS\"",
                "/sbin/stop-connect-server.sh; $S/sbin/stop-worker.sh; $S/sbin/stop-master.sh")) {
            assertTrue(readme.contains(part), "README.md's cluster section gives: " + part);
        }
        Path dist = repo.resolve("tests/target/spark-dist");
        run(List.of(repo.resolve("bin/assemble-spark-dist").toString(), dist.toString()), tmp.resolve("assemble.log"), 10);
        lap("assembled " + dist);

        int masterPort = SparkConnectTest.freePort();
        String master = "spark://127.0.0.1:" + masterPort;
        Map<String, String> env = new HashMap<>(Map.of(
                "JAVA_HOME", System.getProperty("java.home"), "SPARK_LOCAL_IP", "127.0.0.1",
                "SPARK_LOG_DIR", tmp.resolve("logs").toString(), "SPARK_PID_DIR", tmp.resolve("pids").toString(),
                "SPARK_WORKER_DIR", tmp.resolve("work").toString(), "SPARK_IDENT_STRING", "spark-llama-test",
                "SPARK_MASTER_HOST", "127.0.0.1", "SPARK_MASTER_PORT", Integer.toString(masterPort),
                "SPARK_MASTER_WEBUI_PORT", Integer.toString(SparkConnectTest.freePort()),
                "SPARK_WORKER_WEBUI_PORT", Integer.toString(SparkConnectTest.freePort())));
        env.put("SPARK_DAEMON_MEMORY", "512m");
        try {
            sbin(dist, env, "start-master.sh");
            sbin(dist, env, "start-worker.sh", master, "--cores", "1", "--memory", "1g");
            awaitLog(tmp.resolve("logs"), "Master", "Registering worker", 120);
            lap("Master and Worker up (sbin/start-master.sh, start-worker.sh)");

            // The README's spark-submit line, word for word but for the paths.
            Path out = tmp.resolve("story-completions");
            Path input = repo.resolve("datasets/samples/story-openings.jsonl");
            String log = run(cmd(dist.resolve("bin/spark-submit"), "--master", master, "--class", "io.sparkllama.jobs.SparkLlama",
                    "--driver-java-options", FLAGS, "--conf", "spark.executor.extraJavaOptions=" + FLAGS,
                    jar.toString(), "generate", "--input", input.toString(), "--output", out.toString(),
                    "--model", model.toString(), "--set", "max_tokens=12"), env, tmp.resolve("submit.log"), 6);
            assertTrue(log.contains("wrote 36 rows (0 with errors)"), log);
            lap("bin/spark-submit generate on the cluster");

            SparkSession spark = TestSpark.session();
            Path local = tmp.resolve("local");
            JobRunner.run("generate", input.toString(), local.toString(), model.toString(), "max_tokens=12");
            List<Row> got = spark.read().parquet(out.toString()).orderBy("id").collectAsList();
            List<Row> expected = spark.read().parquet(local.toString()).orderBy("id").collectAsList();
            assertEquals(36, got.size());
            assertEquals(36, got.stream().map(r -> r.getAs("id")).distinct().count());
            for (int i = 0; i < expected.size(); i++) {
                Row e = expected.get(i);
                Row g = got.get(i);
                for (String column : List.of("id", "prompt", "completion", "token_ids", "token_logprobs", "finish_reason")) {
                    assertEquals(e.<Object>getAs(column), g.<Object>getAs(column), column + " of row " + e.getAs("id"));
                }
            }
            assertEquals(", there was a little girl named Lily. She", got.get(0).getAs("completion"));

            // The SQL functions through the distribution's Connect server on the same cluster, with the README's --jars / --conf.
            int connectPort = SparkConnectTest.freePort();
            sbin(dist, env, "start-connect-server.sh", "--master", master, "--jars", jar.toString(),
                    "--conf", "spark.sql.extensions=io.sparkllama.udfs.SparkLlamaExtensions", "--conf", "spark.llama.model=" + model,
                    "--driver-java-options", FLAGS, "--conf", "spark.executor.extraJavaOptions=" + FLAGS,
                    "--conf", "spark.connect.grpc.binding.address=127.0.0.1", "--conf", "spark.connect.grpc.binding.port=" + connectPort);
            awaitPort(connectPort, tmp.resolve("logs"), 180);
            lap("Connect server listening (sbin/start-connect-server.sh)");
            List<String> clientCp = new ArrayList<>(List.of(connectJars.resolve("spark-connect-client-jvm_2.13-4.2.0.jar").toString(),
                    connectJars.resolve("spark-connect-shims_2.13-4.2.0.jar").toString()));
            List.of(System.getProperty("java.class.path").split(File.pathSeparator)).stream()
                    .filter(e -> !e.matches(".*/spark-(sql|sql-api|catalyst|core)_2\\.13-.*\\.jar")).forEach(clientCp::add);
            List<String> client = new ArrayList<>(SparkConnectTest.javaCommand());
            client.addAll(List.of("-cp", String.join(File.pathSeparator, clientCp), ConnectClientMain.class.getName(),
                    "sc://127.0.0.1:" + connectPort, model.toString()));
            String clientOut = run(client, env, tmp.resolve("client.log"), 5);
            lap("Connect client ran the SQL functions");
            List<String> lines = clientOut.lines().filter(l -> l.startsWith("generate\t") || l.startsWith("score\t")).toList();

            spark.conf().set("spark.llama.model", model.toString());
            List<String> classic = new ArrayList<>();
            ConnectClientMain.lines(spark.sql(ConnectClientMain.GENERATE_SQL).collectAsList()).forEach(l -> classic.add("generate\t" + l));
            ConnectClientMain.lines(spark.range(3).selectExpr("id", ConnectClientMain.SCORE_EXPR).orderBy("id").collectAsList())
                    .forEach(l -> classic.add("score\t" + l));
            spark.conf().unset("spark.llama.model");
            assertEquals(classic, lines, clientOut);
            // 'Once upon a time' with max_tokens 12: the job's story-001 completion.
            assertTrue(lines.get(0).startsWith("generate\t1\tcompletion=" + got.get(0).getAs("completion") + "\t"), lines.get(0));
        } finally {
            sbin(dist, env, "stop-connect-server.sh");
            sbin(dist, env, "stop-worker.sh");
            sbin(dist, env, "stop-master.sh");
        }
    }

    @Test
    void assemblyWithoutTheLauncherScriptsNamesTheDirectoryAndFails() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("no-launchers"));
        ProcessBuilder pb = new ProcessBuilder(TestSpark.repo().resolve("bin/assemble-spark-dist").toString(), tmp.resolve("dist").toString())
                .redirectErrorStream(true);
        pb.environment().put("SPARK_LLAMA_SPARK_LAUNCHERS", empty.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(1, TimeUnit.MINUTES));
        assertEquals(1, p.exitValue(), out);
        assertTrue(out.startsWith("assemble-spark-dist: Spark's launcher scripts are missing from " + empty + ": bin/spark-class bin/spark-submit "), out);
        assertTrue(out.contains("See docs/distribution.md."), out);
        assertTrue(!Files.exists(tmp.resolve("dist")), "nothing assembled");
    }

    private long last = System.nanoTime();

    /** Prints how long the step took (the test's figures in the build log). */
    private void lap(String step) {
        long now = System.nanoTime();
        System.out.printf("[SparkDistributionTest] %s: %.1f s%n", step, (now - last) / 1e9);
        last = now;
    }

    /** The launcher cache bin/assemble-spark-dist copies from. */
    static Path launchers() {
        String dir = System.getenv("SPARK_LLAMA_SPARK_LAUNCHERS");
        return dir != null ? Path.of(dir) : Path.of(System.getProperty("user.home"), ".cache", "spark-llama", "spark-launchers");
    }

    private void sbin(Path dist, Map<String, String> env, String script, String... args) throws IOException, InterruptedException {
        run(cmd(dist.resolve("sbin").resolve(script), args), env, tmp.resolve(script + ".log"), 2);
    }

    private static List<String> cmd(Path script, String... args) {
        List<String> cmd = new ArrayList<>(List.of(script.toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private String run(List<String> cmd, Path log, int minutes) throws IOException, InterruptedException {
        return run(cmd, Map.of(), log, minutes);
    }

    /** Runs {@code cmd} in the temp dir with {@code env} (SPARK_HOME left for the scripts to find); fails unless it exits 0. */
    private String run(List<String> cmd, Map<String, String> env, Path log, int minutes) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(tmp.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("SPARK_"));
        pb.environment().putAll(env);
        Process p = pb.start();
        boolean done = p.waitFor(minutes, TimeUnit.MINUTES);
        if (!done) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertTrue(done, String.join(" ", cmd) + " did not finish in " + minutes + " min:\n" + output);
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + "\n" + output);
        return output;
    }

    /** Waits for {@code text} in the daemon log whose name contains {@code daemon} (spark-daemon.sh names them). */
    private static void awaitLog(Path logs, String daemon, String text, int seconds) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (daemonLogs(logs).stream().anyMatch(l -> l.contains("." + daemon + "-") && l.contains(text))) {
                return;
            }
            Thread.sleep(500);
        }
        throw new IOException("'" + text + "' not in the " + daemon + " log within " + seconds + " s:\n" + String.join("\n", daemonLogs(logs)));
    }

    private static void awaitPort(int port, Path logs, int seconds) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(500);
            }
        }
        throw new IOException("the Connect server did not listen on " + port + " within " + seconds + " s:\n" + String.join("\n", daemonLogs(logs)));
    }

    /** Each daemon log as its file name, a newline, and its text. */
    private static List<String> daemonLogs(Path logs) throws IOException {
        List<String> out = new ArrayList<>();
        if (Files.isDirectory(logs)) {
            try (var files = Files.list(logs)) {
                for (Path f : files.sorted().toList()) {
                    out.add(f.getFileName() + "\n" + Files.readString(f, StandardCharsets.ISO_8859_1));
                }
            }
        }
        return out;
    }
}
