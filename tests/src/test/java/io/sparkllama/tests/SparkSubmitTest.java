package io.sparkllama.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shaded job jar under {@code org.apache.spark.deploy.SparkSubmit}, in its own JVM, as users run it. */
class SparkSubmitTest {
    @TempDir
    Path tmp;

    @Test
    void generateRunsUnderSparkSubmit() throws IOException, InterruptedException {
        Path jar = TestSpark.repo().resolve("jobs/target/spark-llama-jobs.jar");
        TestSpark.requireBuilt(jar);
        Path model = TestSpark.requireShared("models/stories260K");
        Path input = TestSpark.repo().resolve("datasets/samples/story-openings.jsonl");
        Path out = tmp.resolve("out");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of("-Xmx1g", "--add-modules=jdk.incubator.vector", "--sun-misc-unsafe-memory-access=allow",
                "--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
                "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.util=ALL-UNNAMED",
                "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
                "-Dlog4j2.configurationFile=" + TestSpark.repo().resolve("conf/log4j2.properties"),
                "-cp", System.getProperty("java.class.path"), "org.apache.spark.deploy.SparkSubmit",
                "--master", "local[2]", "--class", "io.sparkllama.jobs.SparkLlama",
                "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.ui.enabled=false",
                jar.toString(), "generate", "--input", input.toString(), "--output", out.toString(),
                "--model", model.toString(), "--set", "max_tokens=12"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "spark-submit did not finish");
        assertEquals(0, p.exitValue(), output);
        assertTrue(output.contains("wrote 36 rows (0 with errors)"), output);
        assertTrue(output.contains("story-001  [length, 12 tokens"), output);
        List<Row> rows = TestSpark.session().read().parquet(out.toString()).collectAsList();
        assertEquals(36, rows.size());
        assertEquals(36, rows.stream().map(r -> r.getAs("id")).distinct().count());
    }

    @Test
    void badArgumentsExitWithAClearMessage() throws IOException, InterruptedException {
        Path jar = TestSpark.repo().resolve("jobs/target/spark-llama-jobs.jar");
        TestSpark.requireBuilt(jar);
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", jar + java.io.File.pathSeparator + System.getProperty("java.class.path"), "io.sparkllama.jobs.SparkLlama",
                "generate", "--input", "x.jsonl", "--output", tmp.resolve("o").toString(), "--model", "m", "--set", "temprature=1");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(2, TimeUnit.MINUTES));
        assertEquals(2, p.exitValue(), output);
        assertTrue(output.contains("unknown setting 'temprature'"), output);
    }

    /** Issue 24 row 1 as a user meets it: one line, exit 2, the input untouched, no stack trace. */
    @Test
    void anOutputOverItsInputExitsTwoWithOneLineAndKeepsTheInput() throws IOException, InterruptedException {
        Path jar = TestSpark.repo().resolve("jobs/target/spark-llama-jobs.jar");
        TestSpark.requireBuilt(jar);
        Path input = Files.write(tmp.resolve("x.jsonl"), List.of("{\"id\": 1, \"text\": \"Once upon a time\"}"));
        byte[] before = Files.readAllBytes(input);
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "--add-modules=jdk.incubator.vector", "--sun-misc-unsafe-memory-access=allow",
                "--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
                "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.util=ALL-UNNAMED",
                "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED", "-Dspark.driver.host=127.0.0.1", "-Dspark.ui.enabled=false",
                "-Dlog4j2.configurationFile=" + TestSpark.repo().resolve("conf/log4j2.properties"),
                "-cp", jar + java.io.File.pathSeparator + System.getProperty("java.class.path"), "io.sparkllama.jobs.SparkLlama",
                "score", "--input", input.toString(), "--output", input.toString(), "--model", "/nonexistent/model", "--set", "mode=overwrite");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(2, TimeUnit.MINUTES));
        assertEquals(2, p.exitValue(), output);
        assertTrue(output.contains("spark-llama: output file://" + input.toRealPath() + " is the input itself; writing there would"
                + " destroy it: choose another --output\n"), output);
        assertTrue(!output.contains("\tat "), "no stack trace: " + output);
        assertTrue(Files.isRegularFile(input));
        assertEquals(-1, java.util.Arrays.mismatch(before, Files.readAllBytes(input)));
    }
}
