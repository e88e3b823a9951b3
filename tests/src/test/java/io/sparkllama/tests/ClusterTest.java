package io.sparkllama.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
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
 * The jobs through SparkSubmit on a real standalone cluster (Master + 2 Workers on 127.0.0.1):
 * results identical to local[2], one model load per executor JVM, and a job that survives the
 * kill of an executor mid-run with every row exactly once; a job with model, input and output on HDFS
 * (a MiniDFSCluster in this JVM) or on S3 (S3Proxy on 127.0.0.1, keys as {@code --conf spark.hadoop.fs.s3a.*})
 * gives the local rows, each executor copying the model once.
 */
@Tag("cluster")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterTest {
    private static final Pattern LOAD = Pattern.compile("spark-llama: loaded model .* \\[load #(\\d+) in pid (\\d+)]");

    @TempDir
    static Path tmp;
    private static StandaloneCluster cluster;
    private static Path model;
    private static Path jar;

    @BeforeAll
    static void startCluster() throws IOException {
        jar = TestSpark.repo().resolve("jobs/target/spark-llama-jobs.jar");
        TestSpark.requireBuilt(jar);
        model = TestSpark.requireShared("models/stories260K");
        cluster = new StandaloneCluster(tmp);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static Process submit(String job, Path input, Path out, String... settings) throws IOException {
        return submit(job, input.toString(), out.toString(), model.toString(), job + "-" + out.getFileName(), settings);
    }

    /** spark-submit of {@code job} on the cluster, its output in {@code tmp/<log>.log}. */
    private static Process submit(String job, String input, String out, String modelPath, String log, String... settings) throws IOException {
        return submit(job, input, out, modelPath, log, Map.of(), settings);
    }

    /** As above with extra Spark conf ({@code --conf KEY=VALUE}). */
    private static Process submit(String job, String input, String out, String modelPath, String log, Map<String, String> sparkConf,
                                  String... settings) throws IOException {
        String flags = "--add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow"
                + " -Dlog4j2.configurationFile=" + TestSpark.repo().resolve("conf/log4j2.properties");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "--add-modules=jdk.incubator.vector", "--sun-misc-unsafe-memory-access=allow",
                "--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
                "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.util=ALL-UNNAMED",
                "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
                "-Dlog4j2.configurationFile=" + TestSpark.repo().resolve("conf/log4j2.properties"),
                "-cp", System.getProperty("java.class.path"), "org.apache.spark.deploy.SparkSubmit",
                "--master", cluster.url(), "--class", "io.sparkllama.jobs.SparkLlama",
                "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.driver.bindAddress=127.0.0.1", "--conf", "spark.ui.enabled=false",
                "--conf", "spark.executor.memory=768m", "--conf", "spark.executor.extraJavaOptions=" + flags,
                "--conf", "spark.task.maxFailures=4"));
        sparkConf.forEach((k, v) -> cmd.addAll(List.of("--conf", k + "=" + v)));
        cmd.addAll(List.of(
                jar.toString(), job, "--input", input, "--output", out, "--model", modelPath));
        for (String s : settings) {
            cmd.add("--set");
            cmd.add(s);
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve(log + ".log").toFile());
        pb.environment().putAll(cluster.environment());
        return pb.start();
    }

    private static String finish(Process p, String job, Path out) throws IOException, InterruptedException {
        return finish(p, job + "-" + out.getFileName());
    }

    private static String finish(Process p, String logName) throws IOException, InterruptedException {
        boolean done = p.waitFor(4, TimeUnit.MINUTES);
        String log = Files.readString(tmp.resolve(logName + ".log"), StandardCharsets.UTF_8);
        assertTrue(done, "spark-submit did not finish:\n" + log);
        assertEquals(0, p.exitValue(), log);
        return log;
    }

    /** Every executor's stderr file (work/APP/N/stderr) in the two Workers' work dirs. */
    private static List<Path> executorLogs(Path out) throws IOException {
        List<Path> logs = new ArrayList<>();
        for (Path work : cluster.workDirs) {
            try (Stream<Path> s = Files.walk(work)) {
                s.filter(p -> p.getFileName().toString().equals("stderr")).forEach(logs::add);
            }
        }
        return logs;
    }

    private static List<Row> rows(String path) {
        return TestSpark.session().read().parquet(path).orderBy("id").collectAsList();
    }

    @Test
    @Order(1)
    void scoreOnTheClusterEqualsLocalAndLoadsOncePerExecutor() throws Exception {
        Path input = TestSpark.repo().resolve("datasets/samples/story-texts.jsonl");
        Path out = tmp.resolve("score-cluster");
        Process p = submit("score", input, out, "partitions=6", "batch_size=2");
        String local = tmp.resolve("score-local").toString();
        JobRunner.run("score", input.toString(), local, model.toString(), "partitions=2");
        finish(p, "score", out);
        assertEquals(rows(local), rows(out.toString()), "cluster rows = local[2] rows");
        // The driver runs no task here: a KV peak above zero is the executors' own, sent back by accumulator.
        com.fasterxml.jackson.databind.JsonNode memory = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(out.resolve("_spark_llama.json").toFile()).get("memory");
        assertEquals("largest of the driver and each executor JVM that ran a task", memory.get("peaks_measured_in").asText(), memory.toString());
        assertTrue(memory.get("kv_cache_peak_bytes").asLong() >= memory.get("kv_cache_block_bytes").asLong(), memory.toString());
        List<Path> logs = executorLogs(out);
        assertEquals(2, logs.size(), "one executor per Worker: " + logs);
        for (Path log : logs) {
            Matcher m = LOAD.matcher(Files.readString(log));
            int loads = 0;
            while (m.find()) {
                loads++;
                assertEquals("1", m.group(1), "first load in " + log);
            }
            assertTrue(loads <= 1, "at most one model load per executor JVM: " + log);
        }
    }

    @Test
    @Order(2)
    void generateSurvivesAKilledExecutor() throws Exception {
        Path input = StorageInputs.stories(tmp, 64);
        String local = tmp.resolve("generate-local").toString();
        Path out = tmp.resolve("generate-cluster");
        Process p = submit("generate", input, out, "partitions=8", "max_tokens=128", "temperature=0.8", "batch_size=4");
        List<Path> before = executorLogs(out);
        // Kill the first executor of this application that reports its model load: it is mid-task.
        long killed = -1;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (killed < 0 && p.isAlive() && System.nanoTime() < deadline) {
            for (Path log : executorLogs(out)) {
                if (before.contains(log)) {
                    continue;
                }
                Matcher m = LOAD.matcher(Files.readString(log));
                if (m.find()) {
                    killed = Long.parseLong(m.group(2));
                    break;
                }
            }
            Thread.sleep(100);
        }
        assertTrue(killed > 0, "no executor of the generate job reported a model load");
        assertTrue(p.isAlive(), "the job was still running when the executor was killed");
        ProcessHandle.of(killed).ifPresent(ProcessHandle::destroyForcibly);

        JobRunner.run("generate", input.toString(), local, model.toString(), "partitions=2", "max_tokens=128", "temperature=0.8");
        String log = finish(p, "generate", out);
        assertTrue(log.contains("wrote 64 rows (0 with errors)"), log);
        List<Row> got = rows(out.toString());
        assertEquals(64, got.size(), "rows in = rows out");
        assertEquals(64, got.stream().map(r -> r.getAs("id")).distinct().count(), "no duplicate ids");
        assertEquals(rows(local), got, "values identical to an undisturbed local[2] run");
        assertTrue(executorLogs(out).size() - before.size() >= 3, "the Worker started a replacement executor");
    }
    @Test
    @Order(3)
    void scoreWithModelInputAndOutputOnHdfsEqualsLocalAndCopiesOncePerExecutor() throws Exception {
        Path input = TestSpark.repo().resolve("datasets/samples/story-texts.jsonl");
        try (HdfsCluster hdfs = HdfsCluster.start(tmp.resolve("dfs"))) {
            hdfs.putFiles(model, "/models/stories260K");
            hdfs.put(input, "/data/story-texts.jsonl");
            String out = hdfs.uri("/out/score");
            Process p = submit("score", hdfs.uri("/data/story-texts.jsonl"), out, hdfs.uri("/models/stories260K"), "score-hdfs",
                    "partitions=4", "batch_size=2");
            String local = tmp.resolve("score-local-for-hdfs").toString();
            JobRunner.run("score", input.toString(), local, model.toString(), "partitions=2");
            finish(p, "score-hdfs");
            assertEquals(rows(local), rows(out), "rows from HDFS on the cluster = local rows");
            int executorsThatLoaded = 0;
            for (Path log : executorLogs(null)) {
                long loads = Files.readAllLines(log).stream().filter(l -> l.contains("loaded model " + hdfs.uri("/models/stories260K"))).count();
                assertTrue(loads <= 1, "at most one copy and load of the HDFS model per executor JVM: " + log);
                executorsThatLoaded += (int) loads;
            }
            assertTrue(executorsThatLoaded >= 1, "an executor copied the model from HDFS");
        }
    }
    @Test
    @Order(4)
    void scoreWithModelInputAndOutputOnS3EqualsLocalWithCredentialsFromSparkConf() throws Exception {
        Path input = TestSpark.repo().resolve("datasets/samples/story-texts.jsonl");
        try (S3Server s3 = S3Server.start(tmp.resolve("s3"))) {
            // A bucket name of its own: Hadoop caches filesystems by bucket, and S3JobsTest's server is gone.
            String bucket = "s3a://llama-cluster";
            s3.createBucket("llama-cluster");
            Configuration c = new Configuration();
            Map<String, String> sparkConf = new LinkedHashMap<>();
            s3.hadoopSettings().forEach((k, v) -> {
                c.set(k, v);
                sparkConf.put("spark.hadoop." + k, v);
            });
            try (FileSystem fs = FileSystem.newInstance(URI.create(bucket + "/"), c)) {
                for (String f : List.of("stories260K.bin", "tok512.bin")) {
                    fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(model.resolve(f).toUri()),
                            new org.apache.hadoop.fs.Path(bucket + "/models/stories260K/" + f));
                }
                fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(input.toUri()), new org.apache.hadoop.fs.Path(bucket + "/data/texts.jsonl"));
                Process p = submit("score", bucket + "/data/texts.jsonl", bucket + "/out/score", bucket + "/models/stories260K", "score-s3",
                        sparkConf, "partitions=4", "batch_size=2");
                String local = tmp.resolve("score-local-for-s3").toString();
                JobRunner.run("score", input.toString(), local, model.toString(), "partitions=2");
                finish(p, "score-s3");
                Path copied = tmp.resolve("score-s3-copy");
                fs.copyToLocalFile(false, new org.apache.hadoop.fs.Path(bucket + "/out/score"), new org.apache.hadoop.fs.Path(copied.toUri()), true);
                assertEquals(rows(local), rows(copied.toString()), "rows from S3 on the cluster = local rows");
            }
            int executorsThatLoaded = 0;
            for (Path log : executorLogs(null)) {
                long loads = Files.readAllLines(log).stream().filter(l -> l.contains("loaded model " + bucket + "/models/stories260K")).count();
                assertTrue(loads <= 1, "at most one copy and load of the S3 model per executor JVM: " + log);
                executorsThatLoaded += (int) loads;
            }
            assertTrue(executorsThatLoaded >= 1, "an executor copied the model from S3 with the keys from Spark conf");
        }
    }
}
