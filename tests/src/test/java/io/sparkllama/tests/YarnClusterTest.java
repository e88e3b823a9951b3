package io.sparkllama.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generate job from the shaded jar through {@code SparkSubmit --master yarn} on a MiniYARNCluster
 * over a MiniDFSCluster (both in this JVM; profile {@code -Pcluster-yarn}): client mode with the model
 * by {@code spark-files}, cluster mode with the model by {@code path} from HDFS, rows equal to local[2]'s; an
 * executor container killed mid-job loses and duplicates no row.
 */
@Tag("yarn")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class YarnClusterTest {
    private static final Pattern LOAD = Pattern.compile("spark-llama: loaded model .* \\[load #(\\d+) in pid (\\d+)]");
    private static final String FLAGS = "--add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED"
            + " --sun-misc-unsafe-memory-access=allow -Dlog4j2.configurationFile=" + TestSpark.repo().resolve("conf/log4j2.properties");

    @TempDir
    static Path tmp;
    private static HdfsCluster hdfs;
    private static YarnCluster yarn;
    private static StorageInputs in;
    private static Path jar;

    @BeforeAll
    static void start() throws IOException {
        jar = TestSpark.requireBuilt(TestSpark.repo().resolve("jobs/target/spark-llama-jobs.jar"));
        in = StorageInputs.write(tmp);
        hdfs = HdfsCluster.start(tmp.resolve("dfs"));
        hdfs.putFiles(in.model(), "/models/stories260K");
        hdfs.put(in.prompts(), "/data/prompts.jsonl");
        yarn = YarnCluster.start(tmp, hdfs);
    }

    @AfterAll
    static void stop() {
        if (yarn != null) {
            yarn.close();
        }
        if (hdfs != null) {
            hdfs.close();
        }
    }

    /** {@code SparkSubmit --master yarn --deploy-mode MODE} of the generate job, its output in {@code tmp/<log>.log}. */
    private static Process submit(String mode, String input, String out, String model, String log, String... settings) throws IOException {
        return submit(mode, input, out, model, log, List.of(), settings);
    }

    /** As above with more spark-submit options ({@code --files ...}). */
    private static Process submit(String mode, String input, String out, String model, String log, List<String> submitOptions,
                                  String... settings) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "--add-modules=jdk.incubator.vector", "--sun-misc-unsafe-memory-access=allow",
                "--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
                "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.util=ALL-UNNAMED",
                "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
                "-Dlog4j2.configurationFile=" + submitLogging(),
                "-cp", yarn.confDir() + File.pathSeparator + System.getProperty("java.class.path"), "org.apache.spark.deploy.SparkSubmit",
                "--master", "yarn", "--deploy-mode", mode, "--class", "io.sparkllama.jobs.SparkLlama",
                "--num-executors", "2", "--executor-cores", "1", "--executor-memory", "512m", "--driver-memory", "512m",
                "--conf", "spark.executor.memoryOverhead=256m", "--conf", "spark.driver.memoryOverhead=256m",
                "--conf", "spark.yarn.am.memory=384m", "--conf", "spark.yarn.am.memoryOverhead=256m",
                "--conf", "spark.executor.extraJavaOptions=" + FLAGS, "--conf", "spark.driver.extraJavaOptions=" + FLAGS,
                "--conf", "spark.yarn.am.extraJavaOptions=" + FLAGS,
                "--conf", "spark.ui.enabled=false", "--conf", "spark.yarn.maxAppAttempts=1", "--conf", "spark.task.maxFailures=4"));
        if (mode.equals("client")) {
            cmd.addAll(List.of("--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.driver.bindAddress=127.0.0.1"));
        }
        yarn.sparkConf().forEach((k, v) -> cmd.addAll(List.of("--conf", k + "=" + v)));
        cmd.addAll(submitOptions);
        cmd.addAll(List.of(jar.toString(), "generate", "--input", input, "--output", out, "--model", model));
        for (String s : settings) {
            cmd.add("--set");
            cmd.add(s);
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve(log + ".log").toFile());
        pb.environment().putAll(yarn.environment());
        return pb.start();
    }

    /** conf/log4j2.properties plus the YARN client's application reports (state, diagnostics, final status). */
    private static Path submitLogging() throws IOException {
        Path f = tmp.resolve("log4j2-submit.properties");
        if (!Files.exists(f)) {
            Files.writeString(f, Files.readString(TestSpark.repo().resolve("conf/log4j2.properties"))
                    + "\nlogger.yarnclient.name = org.apache.spark.deploy.yarn.Client\nlogger.yarnclient.level = info\n");
        }
        return f;
    }

    private static String finish(Process p, String log) throws IOException, InterruptedException {
        boolean done = p.waitFor(5, TimeUnit.MINUTES);
        String text = Files.readString(tmp.resolve(log + ".log"), StandardCharsets.UTF_8);
        if (!done) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        assertTrue(done, "spark-submit did not finish:\n" + text + "\n" + yarn.report());
        assertEquals(0, p.exitValue(), text + "\n" + yarn.report());
        return text;
    }

    /** Rows of the same job on local[2] from local files. */
    private static List<Row> local(String name, Path input, String... settings) {
        String out = tmp.resolve(name).toString();
        JobRunner.run("generate", input.toString(), out, in.model().toString(), settings);
        return StorageInputs.rows(out);
    }

    /**
     * Client mode, the model on the submitting machine: its files shipped with --files (YARN puts them
     * in each container's directory, where SparkFiles.get looks) and verified by the spark-files transport.
     */
    @Test
    @Order(1)
    void clientModeWithTheModelByFilesAndSparkFilesEqualsLocal() throws Exception {
        String out = hdfs.uri("/out/client-files");
        Process p = submit("client", hdfs.uri("/data/prompts.jsonl"), out, in.model().toString(), "client-files",
                List.of("--files", in.model().resolve("stories260K.bin") + "," + in.model().resolve("tok512.bin")),
                "max_tokens=16", "partitions=2", "model_transport=spark-files");
        List<Row> expected = local("local-prompts", in.prompts(), "max_tokens=16", "partitions=2");
        String log = finish(p, "client-files");
        assertTrue(log.contains("wrote 5 rows (1 with errors)"), log);
        assertEquals(StorageInputs.PROMPT_ROWS, expected.size());
        assertEquals(expected, StorageInputs.rows(out), "every column of every row as on local[2]");
    }

    /**
     * Cluster mode (the driver in the application master's container, so every path a URI on shared
     * storage): the model by path from HDFS, each executor copying it once.
     */
    @Test
    @Order(2)
    void clusterModeWithTheModelByPathFromHdfsEqualsLocal() throws Exception {
        String out = hdfs.uri("/out/cluster-path");
        Process p = submit("cluster", hdfs.uri("/data/prompts.jsonl"), out, hdfs.uri("/models/stories260K"), "cluster-path",
                "max_tokens=16", "partitions=2");
        List<Row> expected = local("local-prompts-2", in.prompts(), "max_tokens=16", "partitions=2");
        finish(p, "cluster-path");
        assertEquals(expected, StorageInputs.rows(out), "every column of every row as on local[2]");
    }

    /** kill -9 of an executor container's JVM mid-task: its tasks rerun elsewhere, every row exactly once. */
    @Test
    @Order(3)
    void generateSurvivesAKilledExecutorContainer() throws Exception {
        Path input = StorageInputs.stories(tmp, 48);
        hdfs.put(input, "/data/stories.jsonl");
        String out = hdfs.uri("/out/killed");
        List<Path> before = yarn.containerLogs();
        Process p = submit("client", hdfs.uri("/data/stories.jsonl"), out, hdfs.uri("/models/stories260K"), "killed",
                "partitions=8", "max_tokens=128", "temperature=0.8", "batch_size=4");
        long killed = -1;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
        while (killed < 0 && p.isAlive() && System.nanoTime() < deadline) {
            for (Path log : yarn.containerLogs()) {
                if (!before.contains(log)) {
                    Matcher m = LOAD.matcher(Files.readString(log));
                    if (m.find()) {
                        killed = Long.parseLong(m.group(2));
                        break;
                    }
                }
            }
            Thread.sleep(100);
        }
        assertTrue(killed > 0, "no executor container of the job reported a model load");
        assertTrue(p.isAlive(), "the job was still running when the executor was killed");
        long pid = killed;
        assertTrue(ProcessHandle.of(pid).map(h -> h.info().commandLine().orElse("").contains("YarnCoarseGrainedExecutorBackend")).orElse(false),
                "pid " + pid + " is an executor container's JVM");
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);

        List<Row> expected = local("local-stories", input, "partitions=2", "max_tokens=128", "temperature=0.8");
        String log = finish(p, "killed");
        assertTrue(log.contains("wrote 48 rows (0 with errors)"), log);
        List<Row> got = StorageInputs.rows(out);
        assertEquals(48, got.size(), "rows in = rows out");
        assertEquals(48, got.stream().map(r -> r.getAs("id")).distinct().count(), "no duplicate ids");
        assertEquals(expected, got, "values identical to an undisturbed local[2] run");
    }
}
