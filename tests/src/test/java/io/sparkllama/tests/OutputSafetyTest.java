package io.sparkllama.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkllama.jobs.JobSummary;
import io.sparkllama.jobs.RunMetadata;
import io.sparkllama.jobs.output.OutputLock;
import io.sparkllama.jobs.output.OutputLockedException;
import io.sparkllama.jobs.output.OutputPathException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outputs never destroy inputs (issue 24 rows 1, 2, 10) and one writer per output (row 3): the
 * output is checked on the driver before the model is touched, an existing directory is replaced
 * only when it is a previous output of ours (or empty, or with mode=overwrite_any), and writes go
 * to an attempt directory published by rename under a lock naming its holder.
 */
class OutputSafetyTest {
    private static final String NO_MODEL = "/nonexistent/model-that-is-never-opened";

    @TempDir
    Path tmp;

    private Path texts(Path file, int rows, String marker) throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            lines.add("{\"id\": \"" + marker + "-" + i + "\", \"text\": \"Once upon a time " + i + "\"}");
        }
        Files.createDirectories(file.getParent());
        return Files.write(file, lines);
    }

    @Test
    void row1OutputEqualToTheInputIsRefusedAndTheInputKept() throws IOException {
        Path input = texts(tmp.resolve("x.jsonl"), 3, "a");
        byte[] before = Files.readAllBytes(input);
        OutputPathException e = assertThrows(OutputPathException.class,
                () -> JobRunner.run("score", input.toString(), input.toString(), NO_MODEL, "mode=overwrite"));
        assertEquals("output file://" + input.toRealPath() + " is the input itself; writing there would destroy it: choose another --output",
                e.getMessage());
        assertTrue(Files.isRegularFile(input));
        assertEquals(-1, java.util.Arrays.mismatch(before, Files.readAllBytes(input)), "the input is intact");
        // Another spelling of the same file is the same file.
        String dotted = tmp.resolve("sub/../x.jsonl").toString();
        assertThrows(OutputPathException.class, () -> JobRunner.run("score", input.toString(), dotted, NO_MODEL, "mode=overwrite_any"));
    }

    @Test
    void row2OutputHoldingTheInputOrTheModelIsRefused() throws IOException {
        Path data = tmp.resolve("data");
        Path input = texts(data.resolve("in.jsonl"), 3, "a");
        Files.writeString(data.resolve("unrelated.txt"), "keep me");
        OutputPathException parent = assertThrows(OutputPathException.class,
                () -> JobRunner.run("score", input.toString(), data.toString(), NO_MODEL, "mode=overwrite_any"));
        assertTrue(parent.getMessage().contains(" contains the input file://" + input.toRealPath()), parent.getMessage());
        assertEquals(List.of("in.jsonl", "unrelated.txt"), list(data), "nothing deleted");
        OutputPathException glob = assertThrows(OutputPathException.class,
                () -> JobRunner.run("score", data + "/*.jsonl", input.toString(), NO_MODEL, "mode=overwrite_any"));
        assertTrue(glob.getMessage().endsWith(" is the input file file://" + input.toRealPath() + "; writing there would destroy it:"
                + " choose another --output"), glob.getMessage());
        assertEquals(List.of("in.jsonl", "unrelated.txt"), list(data), "a file matched by a glob input is an input too");

        Path model = copyOfModel();
        OutputPathException modelDir = assertThrows(OutputPathException.class,
                () -> JobRunner.run("score", input.toString(), model.toString(), model.toString(), "mode=overwrite"));
        assertTrue(modelDir.getMessage().endsWith("is the model itself; writing there would destroy it: choose another --output"),
                modelDir.getMessage());
        OutputPathException inside = assertThrows(OutputPathException.class,
                () -> JobRunner.run("score", input.toString(), model.resolve("out").toString(), model.toString()));
        assertTrue(inside.getMessage().contains("lies inside the model"), inside.getMessage());
        OutputPathException above = assertThrows(OutputPathException.class, () -> JobRunner.run("score", input.toString(),
                tmp.toString() + "/models", model.toString(), "mode=overwrite_any"));
        assertTrue(above.getMessage().contains("contains the model"), above.getMessage());
        assertEquals(List.of("stories260K.bin", "tok512.bin"), list(model), "model files intact");
    }

    @Test
    void row2OverwriteReplacesOnlyOurOwnOutputsUnlessOverwriteAny() throws IOException {
        Path model = TestSpark.requireShared("models/stories260K");
        Path input = texts(tmp.resolve("in.jsonl"), 3, "a");
        Path foreign = tmp.resolve("foreign");
        Files.createDirectories(foreign);
        Files.writeString(foreign.resolve("notes.txt"), "someone's files");
        OutputPathException notOurs = assertThrows(OutputPathException.class,
                () -> JobRunner.run("score", input.toString(), foreign.toString(), model.toString(), "mode=overwrite"));
        assertTrue(notOurs.getMessage().contains("is not a previous spark-llama output (no _spark_llama.json) and not empty"), notOurs.getMessage());
        assertEquals(List.of("notes.txt"), list(foreign));

        JobSummary any = JobRunner.run("score", input.toString(), foreign.toString(), model.toString(), "mode=overwrite_any");
        assertEquals(3, any.rows());
        assertFalse(Files.exists(foreign.resolve("notes.txt")), "overwrite_any replaced it");

        Path input2 = texts(tmp.resolve("in2.jsonl"), 5, "b");
        OutputPathException exists = assertThrows(OutputPathException.class,
                () -> JobRunner.run("score", input2.toString(), foreign.toString(), model.toString()));
        assertTrue(exists.getMessage().endsWith("already exists; use --set mode=overwrite to replace a previous spark-llama output,"
                + " or choose another --output"), exists.getMessage());
        JobRunner.run("score", input2.toString(), foreign.toString(), model.toString(), "mode=overwrite");
        List<Row> rows = TestSpark.session().read().parquet(foreign.toString()).collectAsList();
        assertEquals(5, rows.size());
        assertTrue(rows.stream().allMatch(r -> ((String) r.getAs("id")).startsWith("b-")), "only the second run's rows");
        assertEquals(List.of("_SUCCESS", RunMetadata.FILE_NAME), list(foreign).stream().filter(n -> !n.startsWith("part-") && !n.startsWith(".")).toList());
        assertEquals(List.of("foreign", "in.jsonl", "in2.jsonl"), list(tmp), "no attempt, lock or replaced directories left");

        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertEquals(3, JobRunner.run("score", input.toString(), empty.toString(), model.toString(), "mode=overwrite").rows());
    }

    @Test
    void row3ASecondWriterFailsFastNamingTheFirst() throws Exception {
        Path model = TestSpark.requireShared("models/stories260K");
        Path input = texts(tmp.resolve("in.jsonl"), 3, "a");
        Path out = tmp.resolve("out");
        Path lock = tmp.resolve("." + "out" + OutputLock.SUFFIX);
        Files.writeString(lock, "application app-20261207-0001 (spark-llama score) on host-a, pid 42, since 2026-12-07T10:00:00Z\n");
        OutputLockedException e = assertThrows(OutputLockedException.class,
                () -> JobRunner.run("score", input.toString(), out.toString(), model.toString(), "mode=overwrite"));
        assertEquals("output file://" + tmp.toRealPath() + "/out is being written by another job (application app-20261207-0001"
                + " (spark-llama score) on host-a, pid 42, since 2026-12-07T10:00:00Z); wait for it to end, or delete file:"
                + tmp.toRealPath() + "/.out" + OutputLock.SUFFIX + " if that job is no longer running", e.getMessage());
        assertFalse(Files.exists(out));
        Files.delete(lock);

        // Two jobs on one output at once: the second fails fast, the output holds the first's rows only.
        Path inputA = texts(tmp.resolve("a.jsonl"), 300, "a");
        Path inputB = texts(tmp.resolve("b.jsonl"), 300, "b");
        CompletableFuture<JobSummary> a = CompletableFuture.supplyAsync(
                () -> JobRunner.run("score", inputA.toString(), out.toString(), model.toString(), "mode=overwrite", "partitions=3"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(lock) && !a.isDone() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(Files.exists(lock), "job A holds the lock while it runs");
        OutputLockedException second = assertThrows(OutputLockedException.class,
                () -> JobRunner.run("score", inputB.toString(), out.toString(), model.toString(), "mode=overwrite"));
        assertTrue(second.getMessage().contains("is being written by another job (application "), second.getMessage());
        assertEquals(300, a.get(120, TimeUnit.SECONDS).rows());
        List<Row> rows = TestSpark.session().read().parquet(out.toString()).collectAsList();
        assertEquals(300, rows.size());
        assertEquals(300, rows.stream().filter(r -> ((String) r.getAs("id")).startsWith("a-")).count(), "rows of one run only");
        assertFalse(Files.exists(lock), "the lock is released");
    }

    @Test
    void row10ExistingOutputAndMissingInputFailBeforeTheModelIsOpened() throws IOException {
        Path input = texts(tmp.resolve("in.jsonl"), 3, "a");
        Path existing = Files.createDirectories(tmp.resolve("existing"));
        OutputPathException out = assertThrows(OutputPathException.class,
                () -> JobRunner.run("score", input.toString(), existing.toString(), NO_MODEL));
        assertTrue(out.getMessage().contains("already exists"), out.getMessage());
        io.sparkllama.datasets.InputTableException missing = assertThrows(io.sparkllama.datasets.InputTableException.class,
                () -> JobRunner.run("score", tmp.resolve("missing.jsonl").toString(), tmp.resolve("o").toString(), NO_MODEL));
        assertEquals("input file:" + tmp.resolve("missing.jsonl") + " does not exist; check --input", missing.getMessage());
    }

    private Path copyOfModel() throws IOException {
        Path src = TestSpark.requireShared("models/stories260K");
        Path dst = Files.createDirectories(tmp.resolve("models/stories260K"));
        Files.copy(src.resolve("stories260K.bin"), dst.resolve("stories260K.bin"));
        Files.copy(src.resolve("tok512.bin"), dst.resolve("tok512.bin"));
        return dst;
    }

    private static List<String> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
