package io.sparkllama.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkllama.datasets.tasks.TaskFormatException;
import io.sparkllama.engine.Engine;
import io.sparkllama.jobs.JobSummary;
import io.sparkllama.jobs.RunMetadata;
import io.sparkllama.jobs.TokenCacheCounts;
import io.sparkllama.jobs.storage.StorageAccessException;
import io.sparkllama.udfs.JobProgress;
import io.sparkllama.udfs.ModelChecksumException;
import io.sparkllama.udfs.ModelFile;
import io.sparkllama.udfs.ModelHandle;
import io.sparkllama.udfs.ModelResolver;
import io.sparkllama.udfs.ModelTransport;
import io.sparkllama.udfs.DataFrameInference;
import io.sparkllama.udfs.LlamaTask;
import com.fasterxml.jackson.databind.JsonNode;
import io.sparkllama.jobs.sweep.Cell;
import io.sparkllama.jobs.sweep.CellStore;
import io.sparkllama.jobs.sweep.SweepConfig;
import io.sparkllama.jobs.sweep.SweepRunner;
import io.sparkllama.jobs.sweep.SweepSummary;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivilegedExceptionAction;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.security.UserGroupInformation;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jobs with model, input and output on HDFS (a MiniDFSCluster on 127.0.0.1 in this JVM) on
 * local[2]: the same rows as from local files, the token cache keyed on HDFS inputs, the {@code path}
 * transport's one sha256-verified local copy per executor, and a model changed on HDFS after the
 * driver hashed it refused with the checksum error; an unreachable namenode and a permission denied
 * refused on the driver, before any task, with one error naming the URI.
 */
@Tag("storage")
class HdfsJobsTest {
    @TempDir
    static Path tmp;

    private static HdfsCluster hdfs;
    private static Path model;
    private static Path prompts;
    private static Path texts;

    @BeforeAll
    static void start() throws IOException {
        StorageInputs in = StorageInputs.write(tmp);
        model = in.model();
        prompts = in.prompts();
        texts = in.texts();
        hdfs = HdfsCluster.start(tmp.resolve("dfs"));
        hdfs.putFiles(model, "/models/stories260K");
        hdfs.put(prompts, "/data/prompts.jsonl");
        hdfs.put(texts, "/data/texts.jsonl");
    }

    @AfterAll
    static void stop() {
        if (hdfs != null) {
            hdfs.close();
        }
    }

    @Test
    void generateFromHdfsToHdfsEqualsTheLocalRun() {
        String[] settings = {"max_tokens=16", "partitions=2"};
        JobSummary local = JobRunner.run("generate", prompts.toString(), tmp.resolve("gen-local").toString(), model.toString(), settings);
        String out = hdfs.uri("/out/gen");
        JobSummary remote = JobRunner.run("generate", hdfs.uri("/data/prompts.jsonl"), out, hdfs.uri("/models/stories260K"), settings);
        assertEquals(5, remote.rows());
        assertEquals(1, remote.errors(), "the null prompt");
        assertEquals(local.outputTokens(), remote.outputTokens());
        List<Row> expected = StorageInputs.rows(tmp.resolve("gen-local").toString());
        List<Row> actual = StorageInputs.rows(out);
        assertEquals(5, actual.size(), "rows in = rows out");
        assertEquals(expected, actual, "every column of every row as from local files");
        assertTrue(((String) actual.get(0).getAs("completion")).length() > 0);
        Map<String, Object> meta = RunMetadata.read(out, TestSpark.session().sparkContext().hadoopConfiguration());
        assertTrue(meta.toString().contains(hdfs.uri("/models/stories260K")), "the run record names the HDFS model: " + meta);
    }

    @Test
    void scoreFromHdfsWithTheTokenCacheEqualsTheLocalRun() {
        Path cache = tmp.resolve("cache");
        String[] settings = {"partitions=2", "batch_size=2", "token_cache=" + cache};
        JobSummary local = JobRunner.run("score", texts.toString(), tmp.resolve("score-local").toString(), model.toString(), "partitions=2",
                "batch_size=2");
        JobSummary first = JobRunner.run("score", hdfs.uri("/data/texts.jsonl"), hdfs.uri("/out/score1"), hdfs.uri("/models/stories260K"),
                settings);
        JobSummary second = JobRunner.run("score", hdfs.uri("/data/texts.jsonl"), hdfs.uri("/out/score2"), hdfs.uri("/models/stories260K"),
                settings);
        assertEquals(4, first.rows());
        assertEquals(local.inputTokens(), first.inputTokens());
        assertEquals(new TokenCacheCounts(first.tokenCache().directory(), 0, 3, 0), first.tokenCache(), "3 texts tokenized (one is empty)");
        assertEquals(new TokenCacheCounts(first.tokenCache().directory(), 3, 0, 0), second.tokenCache(), "every text from the cache");
        List<Row> expected = StorageInputs.rows(tmp.resolve("score-local").toString());
        assertEquals(4, expected.size());
        assertEquals(expected, StorageInputs.rows(hdfs.uri("/out/score1")));
        assertEquals(expected, StorageInputs.rows(hdfs.uri("/out/score2")));
        for (Row r : expected.subList(0, 3)) {
            assertNull(r.getAs("error"));
            assertNotNull(r.getAs("token_logprobs"));
        }
    }

    @Test
    void pathTransportCopiesTheHdfsModelOncePerExecutorVerifiedBySha256() throws IOException {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(TestSpark.session().sparkContext());
        ModelHandle h = ModelResolver.resolve(hdfs.uri("/models/stories260K"), null, 0, Engine.DEFAULT_PRECISION, "path", jsc);
        assertEquals(2, h.files().size());
        for (ModelFile f : h.files()) {
            assertEquals(sha256(model.resolve(f.name())), f.sha256(), "the driver's digest of " + f.source());
            assertTrue(f.source().startsWith("hdfs://"), f.source());
        }
        var handle = jsc.broadcast(h);
        // Four tasks on local[2]'s one executor JVM: each reports where it found the copy and what it hashes to.
        List<String> seen = jsc.parallelize(List.of(1, 2, 3, 4), 4).map(i -> {
            Path copy = ModelTransport.materialize(handle.value()).model();
            StringBuilder b = new StringBuilder().append(ProcessHandle.current().pid()).append(' ').append(copy);
            for (ModelFile f : handle.value().files()) {
                b.append(' ').append(f.name()).append('=').append(sha256(copy.resolve(f.name())));
            }
            return b.toString();
        }).collect();
        assertEquals(4, seen.size());
        assertEquals(1, seen.stream().distinct().count(), "one copy per executor JVM: " + seen);
        for (ModelFile f : h.files()) {
            assertTrue(seen.get(0).contains(f.name() + "=" + f.sha256()), "the copy hashes to the driver's digest: " + seen.get(0));
        }
        assertTrue(!seen.get(0).contains("hdfs:"), "a local copy: " + seen.get(0));
    }

    @Test
    void aModelChangedOnHdfsAfterTheDriverHashedItFailsWithTheChecksumError() throws IOException {
        hdfs.putFiles(model, "/models/changing");
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(TestSpark.session().sparkContext());
        ModelHandle h = ModelResolver.resolve(hdfs.uri("/models/changing"), null, 0, Engine.DEFAULT_PRECISION, "path", jsc);
        byte[] changed = Files.readAllBytes(model.resolve("stories260K.bin"));
        changed[1000] ^= 1;
        hdfs.write("/models/changing/stories260K.bin", changed);

        JobProgress progress = new JobProgress(jsc.sc().longAccumulator(), jsc.sc().longAccumulator(), jsc.sc().longAccumulator(),
                jsc.sc().longAccumulator());
        Dataset<Row> input = TestSpark.session().read().json(hdfs.uri("/data/texts.jsonl"));
        Exception e = assertThrows(Exception.class, () -> DataFrameInference.withResults(LlamaTask.SCORE, input, jsc.broadcast(h),
                Map.of("threads", "1", "batch_size", "8"), progress, null).collectAsList());
        ModelChecksumException cause = find(e);
        assertNotNull(cause, "a ModelChecksumException in the cause chain of " + e);
        String expected = "model file stories260K.bin at " + hdfs.uri("/models/changing/stories260K.bin") + " (copy on this executor) has sha256 "
                + sha256(changed) + " but the driver computed " + sha256(model.resolve("stories260K.bin")) + " for "
                + hdfs.uri("/models/changing/stories260K.bin");
        assertTrue(cause.getMessage().startsWith(expected), cause.getMessage());
    }

    /**
     * A perplexity cell and an ARC cell with model, text, task file and output on HDFS: the cells
     * (content-keyed), metrics and samples of the local sweep; cell store, run history and report on
     * HDFS afterwards; a second run against the same output finds both cells done.
     */
    @Test
    void aSweepWithModelTaskFilesAndOutputOnHdfsGivesTheLocalCellsAndMetricsAndResumes() throws IOException {
        Path text = TestSpark.requireShared("golden/ppl_text.txt");
        Path arc = TestSpark.requireShared("datasets/arc/ARC-Easy-test.jsonl");
        SweepConfig local = SweepConfig.read(sweepFile("local", tmp.resolve("sweep-out-local").toString(), model.toString(), text.toString(),
                arc.toString()));
        String out = hdfs.uri("/out/sweep");
        SweepConfig remote = SweepConfig.read(sweepFile("hdfs", out, hdfs.uri("/models/stories260K"), hdfs.put(text, "/data/ppl_text.txt"),
                hdfs.put(arc, "/data/ARC-Easy-test.jsonl")));
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertEquals(2, SweepRunner.run(TestSpark.session(), local, quiet).computed());
        SweepSummary first = SweepRunner.run(TestSpark.session(), remote, quiet);
        assertEquals(2, first.computed());
        assertEquals(out + "/report.html", first.report());
        List<Cell> localCells = SweepRunner.cells(local);
        List<Cell> remoteCells = SweepRunner.cells(remote);
        assertEquals(localCells.stream().map(Cell::key).toList(), remoteCells.stream().map(Cell::key).toList(),
                "the same content hashes for the HDFS model and files as for the local ones");
        FileSystem fs = hdfs.fs();
        ObjectMapper json = new ObjectMapper();
        CellStore localStore = new CellStore(Path.of(local.output()));
        for (int i = 0; i < 2; i++) {
            String cell = "/out/sweep/" + remoteCells.get(i).key();
            JsonNode actual;
            try (var in = fs.open(new org.apache.hadoop.fs.Path(cell + "/" + CellStore.METRICS))) {
                actual = json.readTree(in).get("metrics");
            }
            assertEquals(localStore.readMetrics(localCells.get(i)).get("metrics"), actual, remoteCells.get(i).task().label());
            assertEquals(TestSpark.session().read().parquet(localStore.samples(localCells.get(i)).toString()).collectAsList(),
                    TestSpark.session().read().parquet(hdfs.uri(cell + "/" + CellStore.SAMPLES)).collectAsList(), "the samples on HDFS");
            if (i == 0) {
                assertEquals(10.7682, actual.get("perplexity").asDouble(), 10.7682 * 0.005, "stories260K on golden/ppl_text.txt at ctx 128");
            }
        }
        assertEquals(first.run(), text(fs, "/out/sweep/runs/latest"), "the run history on HDFS");
        assertEquals(first.run(), text(fs, "/out/sweep/runs/last-passed"));
        assertTrue(fs.getFileStatus(new org.apache.hadoop.fs.Path("/out/sweep/runs/" + first.run() + "/metrics.json")).isFile());
        assertTrue(text(fs, "/out/sweep/report.html").contains(remoteCells.get(1).key() + "/samples.parquet"), "the report on HDFS");

        SweepSummary second = SweepRunner.run(TestSpark.session(), remote, quiet);
        assertEquals(0, second.computed(), "both cells found done on HDFS");
        assertEquals(2, second.skipped());
        assertTrue(second.regressions().isEmpty());
        assertEquals(second.run(), text(fs, "/out/sweep/runs/latest"));
        var left = fs.listFiles(new org.apache.hadoop.fs.Path("/out/sweep"), true);
        while (left.hasNext()) {
            String name = left.next().getPath().getName();
            assertTrue(!name.endsWith(".uploading") && !name.endsWith(".crc"), "no temporary or checksum file left: " + name);
        }
    }

    /** A sweep stopped by a failing cell keeps on HDFS the cell finished before it (each cell is pushed when it completes). */
    @Test
    void aSweepStoppedByAFailingCellKeepsTheFinishedCellOnHdfs() throws IOException {
        Path text = TestSpark.requireShared("golden/ppl_text.txt");
        String bad = hdfs.write("/data/bad-arc.jsonl", "{\"id\": \"x\", \"question\": \"q\", \"answerKey\": \"A\"}\n"
                .getBytes(StandardCharsets.UTF_8));
        SweepConfig broken = SweepConfig.read(sweepFile("broken", hdfs.uri("/out/sweep-broken"), model.toString(), text.toString(), bad));
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        TaskFormatException e = assertThrows(TaskFormatException.class, () -> SweepRunner.run(TestSpark.session(), broken, quiet));
        assertTrue(e.getMessage().contains("field 'choices' missing"), e.getMessage());
        List<Cell> cells = SweepRunner.cells(broken);
        FileSystem fs = hdfs.fs();
        assertTrue(fs.exists(new org.apache.hadoop.fs.Path("/out/sweep-broken/" + cells.get(0).key() + "/" + CellStore.METRICS)),
                "the perplexity cell, finished before the failing one, is complete on HDFS");
        assertTrue(fs.exists(new org.apache.hadoop.fs.Path("/out/sweep-broken/" + cells.get(0).key() + "/" + CellStore.SAMPLES + "/_SUCCESS")));
        assertTrue(!fs.exists(new org.apache.hadoop.fs.Path("/out/sweep-broken/" + cells.get(1).key() + "/" + CellStore.METRICS)));
        assertTrue(!fs.exists(new org.apache.hadoop.fs.Path("/out/sweep-broken/runs")), "no run recorded");
    }

    private static String text(FileSystem fs, String path) throws IOException {
        try (var in = fs.open(new org.apache.hadoop.fs.Path(path))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
    }

    private Path sweepFile(String name, String output, String modelPath, String textPath, String arcPath) throws IOException {
        Path f = tmp.resolve("sweep-" + name + ".yaml");
        Files.writeString(f, """
                name: sweep-%s
                output: %s
                partitions: 2
                models:
                  - name: stories260K
                    path: %s
                tasks:
                  - name: perplexity
                    path: %s
                  - name: arc_easy
                    path: %s
                settings:
                  ctx: [128]
                  limit: [3]
                """.formatted(name, output, modelPath, textPath, arcPath));
        return f;
    }

    @Test
    void anUnreachableNamenodeIsOneDriverErrorNamingTheUriBeforeAnyTask() throws Exception {
        org.apache.hadoop.conf.Configuration conf = TestSpark.session().sparkContext().hadoopConfiguration();
        conf.setInt("ipc.client.connect.max.retries", 0); // Hadoop's default retries ten times, a second apart
        try {
            String down = "hdfs://127.0.0.1:1";
            StorageAccessException input = refusedBeforeAnyTask(() -> JobRunner.run("score", down + "/data/texts.jsonl",
                    hdfs.uri("/out/never"), hdfs.uri("/models/stories260K")));
            assertTrue(input.getMessage().startsWith("cannot read input " + down + "/data/texts.jsonl: nothing answers at " + down + " ("),
                    input.getMessage());
            assertTrue(input.getMessage().endsWith("); check the host and port in the URI (or spark.hadoop.fs.defaultFS) and that the"
                    + " namenode is running"), input.getMessage());
            StorageAccessException model = refusedBeforeAnyTask(() -> JobRunner.run("score", hdfs.uri("/data/texts.jsonl"),
                    hdfs.uri("/out/never"), down + "/models/stories260K"));
            assertTrue(model.getMessage().startsWith("cannot read model " + down + "/models/stories260K: nothing answers at " + down),
                    model.getMessage());
            StorageAccessException output = refusedBeforeAnyTask(() -> JobRunner.run("score", hdfs.uri("/data/texts.jsonl"),
                    down + "/out/x", hdfs.uri("/models/stories260K")));
            assertTrue(output.getMessage().startsWith("cannot write output " + down + "/out/x: nothing answers at " + down),
                    output.getMessage());
        } finally {
            conf.unset("ipc.client.connect.max.retries");
        }
    }

    @Test
    void permissionDeniedOnHdfsIsOneDriverErrorNamingTheUserAndUri() throws Exception {
        FileSystem fs = hdfs.fs();
        hdfs.put(texts, "/secret/texts.jsonl");
        fs.setPermission(new org.apache.hadoop.fs.Path("/secret"), new FsPermission((short) 0700));
        fs.mkdirs(new org.apache.hadoop.fs.Path("/readonly"), new FsPermission((short) 0755));
        fs.setPermission(new org.apache.hadoop.fs.Path("/data"), new FsPermission((short) 0755));
        UserGroupInformation alice = UserGroupInformation.createUserForTesting("alice", new String[] {"users"});

        StorageAccessException input = refusedBeforeAnyTask(() -> alice.doAs((PrivilegedExceptionAction<JobSummary>) () ->
                JobRunner.run("score", hdfs.uri("/secret/texts.jsonl"), hdfs.uri("/tmp/alice-out"), hdfs.uri("/models/stories260K"))));
        assertTrue(input.getMessage().startsWith("cannot read input " + hdfs.uri("/secret/texts.jsonl") + ": permission denied to user alice ("
                + "Permission denied: user=alice, access=EXECUTE, inode=\"/secret"), input.getMessage());
        assertTrue(input.getMessage().endsWith("); grant that user read access (hdfs dfs -chmod, -chown or -setfacl) or run the job as a"
                + " user who has it"), input.getMessage());

        StorageAccessException output = refusedBeforeAnyTask(() -> alice.doAs((PrivilegedExceptionAction<JobSummary>) () ->
                JobRunner.run("score", hdfs.uri("/data/texts.jsonl"), hdfs.uri("/readonly/out"), hdfs.uri("/models/stories260K"))));
        assertTrue(output.getMessage().startsWith("cannot write output " + hdfs.uri("/readonly/out") + ": permission denied to user alice ("
                + "Permission denied: user=alice, access=WRITE, inode=\"/readonly"), output.getMessage());
        assertTrue(!fs.exists(new org.apache.hadoop.fs.Path("/readonly/.out.spark-llama-lock")), "no lock taken");

        Path sweep = sweepFile("denied", hdfs.uri("/readonly/sweep"), model.toString(), texts.toString(), texts.toString());
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        StorageAccessException sweepOutput = refusedBeforeAnyTask(() -> alice.doAs((PrivilegedExceptionAction<SweepSummary>) () ->
                SweepRunner.run(TestSpark.session(), SweepConfig.read(sweep), quiet)));
        assertTrue(sweepOutput.getMessage().startsWith("cannot write output " + hdfs.uri("/readonly/sweep") + ": permission denied to user"
                + " alice (Permission denied: user=alice, access=WRITE, inode=\"/readonly"), sweepOutput.getMessage());
    }

    /** Runs a job that must fail on the driver with a StorageAccessException, and checks no Spark job started. */
    private static StorageAccessException refusedBeforeAnyTask(org.junit.jupiter.api.function.Executable job) throws Exception {
        AtomicInteger jobs = new AtomicInteger();
        SparkListener counter = new SparkListener() {
            @Override
            public void onJobStart(SparkListenerJobStart start) {
                jobs.incrementAndGet();
            }
        };
        var sc = TestSpark.session().sparkContext();
        sc.addSparkListener(counter);
        try {
            StorageAccessException e = assertThrows(StorageAccessException.class, job);
            sc.listenerBus().waitUntilEmpty();
            assertEquals(0, jobs.get(), "no Spark job (so no task) before the error");
            return e;
        } finally {
            sc.removeSparkListener(counter);
        }
    }

    private static ModelChecksumException find(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ModelChecksumException m) {
                return m;
            }
        }
        return null;
    }

    private static String sha256(Path file) throws IOException {
        return sha256(Files.readAllBytes(file));
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
