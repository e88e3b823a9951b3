package io.sparkllama.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A read that fails once on an executor (the first open of each input and model file inside a
 * task, through {@link FlakyFileSystem}) is a task retry ({@code spark.task.maxFailures}), not a job
 * failure: the job completes with every row once, equal to an undisturbed run. SparkSubmit in its own
 * JVM on {@code local[2,4]}: plain {@code local[N]} never retries a task.
 */
@Tag("storage")
class TransientReadErrorTest {
    @TempDir
    Path tmp;

    @Test
    void aTransientExecutorReadErrorRetriesTheTaskAndTheJobWritesEveryRowOnce() throws IOException, InterruptedException {
        Path jar = TestSpark.requireBuilt(TestSpark.repo().resolve("jobs/target/spark-llama-jobs.jar"));
        StorageInputs in = StorageInputs.write(tmp);
        Path out = tmp.resolve("out");
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx768m",
                "--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                "--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
                "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.util=ALL-UNNAMED",
                "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
                "-Dlog4j2.configurationFile=" + TestSpark.repo().resolve("conf/log4j2.properties"),
                "-cp", System.getProperty("java.class.path"), "org.apache.spark.deploy.SparkSubmit",
                "--master", "local[2,4]", "--class", "io.sparkllama.jobs.SparkLlama",
                "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.ui.enabled=false",
                "--conf", "spark.hadoop.fs." + FlakyFileSystem.SCHEME + ".impl=" + FlakyFileSystem.class.getName(),
                jar.toString(), "generate", "--input", flaky(in.prompts()), "--output", out.toString(), "--model", flaky(in.model()),
                "--set", "max_tokens=16", "--set", "partitions=2");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "spark-submit did not finish");
        assertEquals(0, p.exitValue(), log);
        assertTrue(log.matches("(?s).*transient read error injected on the first read of \\S*/prompts\\.jsonl in a task.*"),
                "a task failed reading the input: " + log);
        assertTrue(log.contains("Lost task"), "Spark retried the task: " + log);
        assertTrue(log.contains("wrote 5 rows (1 with errors)"), "the null prompt is the one row error: " + log);

        String local = tmp.resolve("local").toString();
        JobRunner.run("generate", in.prompts().toString(), local, in.model().toString(), "max_tokens=16", "partitions=2");
        List<Row> expected = StorageInputs.rows(local);
        List<Row> got = StorageInputs.rows(out.toString());
        assertEquals(StorageInputs.PROMPT_ROWS, got.size(), "rows in = rows out");
        assertEquals(StorageInputs.PROMPT_ROWS, got.stream().map(r -> r.getAs("id")).distinct().count(), "no duplicate ids");
        assertEquals(expected, got, "every column of every row as from an undisturbed run");
    }

    private static String flaky(Path local) {
        return FlakyFileSystem.SCHEME + "://" + local.toAbsolutePath();
    }
}
