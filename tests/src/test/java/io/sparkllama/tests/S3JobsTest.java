package io.sparkllama.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkllama.jobs.JobSummary;
import io.sparkllama.jobs.RunMetadata;
import io.sparkllama.jobs.storage.StorageAccessException;
import io.sparkllama.jobs.sweep.SweepConfig;
import io.sparkllama.jobs.sweep.SweepRunner;
import io.sparkllama.jobs.sweep.SweepSummary;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jobs with model, input and output on S3 ({@code s3a://}, path-style, against S3Proxy on
 * 127.0.0.1) on local[2], credentials and endpoint from Spark conf ({@code spark.hadoop.fs.s3a.*}):
 * the same rows as from local files. An unreachable endpoint, missing credentials and refused
 * credentials are one driver error naming the URI and the setting, before any task.
 */
@Tag("storage")
class S3JobsTest {
    @TempDir
    static Path tmp;

    private static S3Server s3;
    private static Path model;
    private static Path prompts;
    private static Path texts;
    private static final Map<String, String> SETTINGS = new LinkedHashMap<>();

    @BeforeAll
    static void start() throws IOException {
        StorageInputs in = StorageInputs.write(tmp);
        model = in.model();
        prompts = in.prompts();
        texts = in.texts();
        s3 = S3Server.start(tmp.resolve("s3"));
        s3.createBucket("llama");
        s3.createBucket("nokeys");
        s3.createBucket("badkeys");

        // What a user passes as --conf spark.hadoop.fs.s3a.*=...: set on the live SparkConf (read by
        // executors' model copies) and on the driver's Hadoop configuration (read by the driver and Spark's readers).
        SETTINGS.putAll(s3.hadoopSettings());
        // Per-bucket settings for the refusals: a bucket with no keys, one with a wrong secret, one behind a dead endpoint.
        SETTINGS.put("fs.s3a.bucket.nokeys.access.key", "");
        SETTINGS.put("fs.s3a.bucket.nokeys.secret.key", "");
        SETTINGS.put("fs.s3a.bucket.badkeys.secret.key", "not-the-secret");
        SETTINGS.put("fs.s3a.bucket.down.endpoint", "http://127.0.0.1:1");
        SparkContext sc = TestSpark.session().sparkContext();
        SparkConf live = sc.conf();
        SETTINGS.forEach((k, v) -> {
            live.set("spark.hadoop." + k, v);
            sc.hadoopConfiguration().set(k, v);
        });

        FileSystem fs = FileSystem.get(URI.create("s3a://llama/"), sc.hadoopConfiguration());
        for (String f : List.of("stories260K.bin", "tok512.bin")) {
            fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(model.resolve(f).toUri()), new org.apache.hadoop.fs.Path("s3a://llama/models/stories260K/" + f));
        }
        fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(prompts.toUri()), new org.apache.hadoop.fs.Path("s3a://llama/data/prompts.jsonl"));
        fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(texts.toUri()), new org.apache.hadoop.fs.Path("s3a://llama/data/texts.jsonl"));
    }

    @AfterAll
    static void stop() {
        SparkContext sc = TestSpark.session().sparkContext();
        SETTINGS.keySet().forEach(k -> {
            sc.conf().remove("spark.hadoop." + k);
            sc.hadoopConfiguration().unset(k);
        });
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    void generateAndScoreFromS3ToS3EqualTheLocalRuns() {
        JobRunner.run("generate", prompts.toString(), tmp.resolve("gen-local").toString(), model.toString(), "max_tokens=12", "partitions=2");
        JobSummary gen = JobRunner.run("generate", "s3a://llama/data/prompts.jsonl", "s3a://llama/out/gen", "s3a://llama/models/stories260K",
                "max_tokens=12", "partitions=2");
        assertEquals(StorageInputs.PROMPT_ROWS, gen.rows());
        assertEquals(1, gen.errors(), "the null prompt");
        List<Row> expected = StorageInputs.rows(tmp.resolve("gen-local").toString());
        assertEquals(StorageInputs.PROMPT_ROWS, expected.size());
        assertEquals(expected, StorageInputs.rows("s3a://llama/out/gen"), "every column of every row as from local files");

        JobRunner.run("score", texts.toString(), tmp.resolve("score-local").toString(), model.toString(), "partitions=2");
        JobSummary score = JobRunner.run("score", "s3a://llama/data/texts.jsonl", "s3a://llama/out/score", "s3a://llama/models/stories260K",
                "partitions=2");
        assertEquals(StorageInputs.TEXT_ROWS, score.rows());
        assertEquals(StorageInputs.rows(tmp.resolve("score-local").toString()), StorageInputs.rows("s3a://llama/out/score"));
        Configuration conf = TestSpark.session().sparkContext().hadoopConfiguration();
        Map<String, Object> meta = RunMetadata.read("s3a://llama/out/score", conf);
        assertTrue(meta.toString().contains("s3a://llama/models/stories260K"), meta.toString());
    }

    @Test
    void anUnreachableEndpointMissingOrRefusedCredentialsAreOneDriverError() {
        String model = "s3a://llama/models/stories260K";
        StorageAccessException down = assertThrows(StorageAccessException.class,
                () -> JobRunner.run("score", "s3a://down/data/texts.jsonl", "s3a://llama/out/never", model));
        assertTrue(down.getMessage().startsWith("cannot read input s3a://down/data/texts.jsonl: the S3 endpoint http://127.0.0.1:1 does not answer ("),
                down.getMessage());
        assertTrue(down.getMessage().endsWith("); set spark.hadoop.fs.s3a.endpoint (or fs.s3a.bucket.down.endpoint) to a reachable endpoint (and"
                + " spark.hadoop.fs.s3a.path.style.access=true for a server other than AWS)"), down.getMessage());

        StorageAccessException noKeys = assertThrows(StorageAccessException.class,
                () -> JobRunner.run("score", "s3a://nokeys/data/texts.jsonl", "s3a://llama/out/never", model));
        assertTrue(noKeys.getMessage().startsWith("cannot read input s3a://nokeys/data/texts.jsonl: no S3 credentials were found ("),
                noKeys.getMessage());
        assertTrue(noKeys.getMessage().endsWith("); set spark.hadoop.fs.s3a.access.key and spark.hadoop.fs.s3a.secret.key (or"
                + " spark.hadoop.fs.s3a.aws.credentials.provider)"), noKeys.getMessage());

        StorageAccessException badKeys = assertThrows(StorageAccessException.class,
                () -> JobRunner.run("score", "s3a://llama/data/texts.jsonl", "s3a://llama/out/never", "s3a://badkeys/models/stories260K"));
        assertTrue(badKeys.getMessage().startsWith("cannot read model s3a://badkeys/models/stories260K: the S3 service refused access ("),
                badKeys.getMessage());
        assertTrue(badKeys.getMessage().endsWith("); check spark.hadoop.fs.s3a.access.key and spark.hadoop.fs.s3a.secret.key and the"
                + " bucket's policy"), badKeys.getMessage());
    }

    /** An ARC cell (limit 3) with its output on S3: the store, run pointer and report land there, and a rerun finds the cell done. */
    @Test
    void aSweepWithItsOutputOnS3Resumes() throws IOException {
        Path sweep = tmp.resolve("sweep-s3.yaml");
        Files.writeString(sweep, """
                name: sweep-s3
                output: s3a://llama/sweeps/arc
                partitions: 2
                models:
                  - name: stories260K
                    path: %s
                tasks:
                  - name: arc_easy
                    path: %s
                settings:
                  ctx: [128]
                  limit: [3]
                """.formatted(model, TestSpark.requireShared("datasets/arc/ARC-Easy-test.jsonl")));
        SweepConfig config = SweepConfig.read(sweep);
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        SweepSummary first = SweepRunner.run(TestSpark.session(), config, quiet);
        assertEquals(1, first.computed());
        assertEquals("s3a://llama/sweeps/arc/report.html", first.report());
        FileSystem fs = FileSystem.get(URI.create("s3a://llama/"), TestSpark.session().sparkContext().hadoopConfiguration());
        String key = SweepRunner.cells(config).get(0).key();
        assertTrue(fs.exists(new org.apache.hadoop.fs.Path("s3a://llama/sweeps/arc/" + key + "/metrics.json")));
        assertEquals(3, TestSpark.session().read().parquet("s3a://llama/sweeps/arc/" + key + "/samples.parquet").count());
        try (var in = fs.open(new org.apache.hadoop.fs.Path("s3a://llama/sweeps/arc/runs/latest"))) {
            assertEquals(first.run(), new String(in.readAllBytes(), StandardCharsets.UTF_8).strip());
        }
        SweepSummary second = SweepRunner.run(TestSpark.session(), config, quiet);
        assertEquals(0, second.computed(), "the cell found done on S3");
        assertEquals(1, second.skipped());
    }
}
