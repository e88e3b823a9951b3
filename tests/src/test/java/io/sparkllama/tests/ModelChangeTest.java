package io.sparkllama.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkllama.engine.Engine;
import io.sparkllama.engine.error.Llama2cFormatException;
import io.sparkllama.engine.error.SparkLlamaException;
import io.sparkllama.jobs.JobSummary;
import io.sparkllama.jobs.RunMetadata;
import io.sparkllama.udfs.DataFrameInference;
import io.sparkllama.udfs.ExecutorModels;
import io.sparkllama.udfs.JobProgress;
import io.sparkllama.udfs.LlamaTask;
import io.sparkllama.udfs.ModelHandle;
import io.sparkllama.udfs.ModelResolver;
import io.sparkllama.udfs.ModelTransport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Models cannot change under a job (issue 24 rows 4 and 5): with the {@code path} transport the
 * driver and every executor map a private, sha256-verified copy, so a model file overwritten with
 * NaN or truncated in place mid-job changes no row and faults no JVM; a job started on the NaN
 * file gets a "non-finite logits" error in every row, never a NaN logprob.
 */
class ModelChangeTest {
    private static final int ROWS = 300;

    @TempDir
    Path tmp;

    private Path modelCopy() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("model"));
        Files.copy(TestSpark.requireShared("models/stories260K/stories260K.bin"), dir.resolve("stories260K.bin"));
        Files.copy(TestSpark.requireShared("models/stories260K/tok512.bin"), dir.resolve("tok512.bin"));
        return dir;
    }

    private static Dataset<Row> texts() {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            rows.add(RowFactory.create((long) i, "Once upon a time, there was a little girl named " + i + "."));
        }
        return TestSpark.session().createDataFrame(rows, new StructType().add("id", "long").add("text", "string")).repartition(3);
    }

    private static List<Row> score(ModelHandle h) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(TestSpark.session().sparkContext());
        JobProgress progress = new JobProgress(jsc.sc().longAccumulator(), jsc.sc().longAccumulator(), jsc.sc().longAccumulator(),
                jsc.sc().longAccumulator());
        return DataFrameInference.withResults(LlamaTask.SCORE, texts(), jsc.broadcast(h), Map.of("threads", "1", "batch_size", "8"), progress, null)
                .orderBy("id").collectAsList();
    }

    private static void assertAllFinite(List<Row> rows) {
        assertEquals(ROWS, rows.size());
        for (Row r : rows) {
            assertNull(r.getAs("error"), "row " + r.getAs("id"));
            List<Float> lps = r.getList(r.fieldIndex("token_logprobs"));
            assertTrue(lps.stream().allMatch(Float::isFinite), "row " + r.getAs("id") + " has a non-finite logprob");
        }
    }

    @Test
    void row4NanWrittenIntoTheModelMidJobChangesNoRow() throws IOException {
        Path model = modelCopy();
        SparkSession spark = TestSpark.session();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        ModelHandle h = ModelResolver.resolve(model.toString(), null, 0, Engine.DEFAULT_PRECISION, "path", jsc);
        ExecutorModels.engine(h); // the driver's load, as InferenceRun does before any task
        Path mapped = ModelTransport.materialize(h).model();
        assertFalse(mapped.startsWith(model), "the mapped file is a private copy: " + mapped);
        assertFalse(Files.getPosixFilePermissions(mapped.resolve("stories260K.bin")).contains(
                java.nio.file.attribute.PosixFilePermission.OWNER_WRITE), "and read-only");
        List<Row> before = score(h);
        assertAllFinite(before);

        // Overwrite the embedding table in place (same inode, size and, near enough, mtime): the job's tasks go on.
        Path bin = model.resolve("stories260K.bin");
        try (FileChannel ch = FileChannel.open(bin, StandardOpenOption.WRITE)) {
            ByteBuffer nan = ByteBuffer.allocate(512 * 64 * 4).order(ByteOrder.LITTLE_ENDIAN);
            while (nan.hasRemaining()) {
                nan.putFloat(Float.NaN);
            }
            ch.write(nan.flip(), 28);
        }
        List<Row> during = score(h);
        assertEquals(before, during, "every row as before the change");

        // A new job on the NaN file: hashed anew, and refused at load (the embedding's first row is checked).
        Path input = tmp.resolve("in.jsonl");
        Files.write(input, List.of("{\"id\": 1, \"text\": \"Once upon a time\"}", "{\"id\": 2, \"text\": \"There was a girl.\"}"));
        Llama2cFormatException refused = assertThrows(Llama2cFormatException.class,
                () -> JobRunner.run("score", input.toString(), tmp.resolve("refused").toString(), model.toString()));
        assertTrue(refused.getMessage().endsWith("stories260K.bin: tensor token_embedding_table row 0 column 0 is NaN:"
                + " the weights hold NaN or infinity"), refused.getMessage());

        // NaN only where the load check does not look (BOS's embedding row): every row an error naming the cause.
        try (FileChannel ch = FileChannel.open(bin, StandardOpenOption.WRITE)) {
            ByteBuffer finite = ByteBuffer.allocate(512 * 64 * 4).order(ByteOrder.LITTLE_ENDIAN);
            try (var original = Files.newByteChannel(TestSpark.requireShared("models/stories260K/stories260K.bin"))) {
                original.position(28).read(finite);
            }
            ch.write(finite.flip(), 28);
            ByteBuffer nanRow = ByteBuffer.allocate(64 * 4).order(ByteOrder.LITTLE_ENDIAN);
            while (nanRow.hasRemaining()) {
                nanRow.putFloat(Float.NaN);
            }
            ch.write(nanRow.flip(), 28 + 64 * 4);
        }
        JobSummary s = JobRunner.run("score", input.toString(), tmp.resolve("out").toString(), model.toString());
        assertEquals(2, s.errors());
        List<Row> scored = spark.read().parquet(tmp.resolve("out").toString()).collectAsList();
        assertEquals(2, scored.size());
        for (Row r : scored) {
            assertEquals("non-finite logits at position 0: the model's weights hold NaN or infinity", r.getAs("error"));
            assertNull(r.getAs("token_logprobs"));
        }
        Path prompts = tmp.resolve("prompts.jsonl");
        Files.write(prompts, List.of("{\"id\": 1, \"prompt\": \"Once upon a time\"}", "{\"id\": 2, \"prompt\": \"There was\"}"));
        JobSummary g = JobRunner.run("generate", prompts.toString(), tmp.resolve("gen").toString(), model.toString(), "max_tokens=4");
        assertEquals(2, g.errors());
        List<Row> generated = spark.read().parquet(tmp.resolve("gen").toString()).collectAsList();
        assertEquals(2, generated.size());
        for (Row r : generated) {
            assertTrue(((String) r.getAs("error")).startsWith("non-finite logits at position "), (String) r.getAs("error"));
            assertNull(r.getAs("token_logprobs"));
        }
        Map<String, Object> meta = RunMetadata.read(tmp.resolve("out").toString(), spark.sparkContext().hadoopConfiguration());
        assertTrue(meta.toString().contains(sha256(bin)), "the record holds the digest of what was mapped: " + meta);
    }

    @Test
    void row5ModelTruncatedMidJobFaultsNothing() throws IOException {
        Path model = modelCopy();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(TestSpark.session().sparkContext());
        ModelHandle h = ModelResolver.resolve(model.toString(), null, 0, Engine.DEFAULT_PRECISION, "path", jsc);
        ExecutorModels.engine(h);
        List<Row> before = score(h);
        Path bin = model.resolve("stories260K.bin");
        try (FileChannel ch = FileChannel.open(bin, StandardOpenOption.WRITE)) {
            ch.truncate(4096);
        }
        assertEquals(before, score(h), "the mapped copy is untouched: no SIGBUS, the same rows");

        Path input = tmp.resolve("in.jsonl");
        Files.write(input, List.of("{\"id\": 1, \"text\": \"Once upon a time\"}"));
        SparkLlamaException e = assertThrows(SparkLlamaException.class,
                () -> JobRunner.run("score", input.toString(), tmp.resolve("out").toString(), model.toString()));
        assertTrue(e.getMessage().contains("stories260K.bin"), "a new job refuses the truncated file by name: " + e.getMessage());
        assertFalse(Files.exists(tmp.resolve("out")));
    }

    @Test
    void aChangedPrivateCopyFailsTheNextTaskWithAClearError() throws IOException {
        Path model = modelCopy();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(TestSpark.session().sparkContext());
        ModelHandle h = ModelResolver.resolve(model.toString(), null, 0, Engine.DEFAULT_PRECISION, "path", jsc);
        ExecutorModels.engine(h);
        Path copy = ModelTransport.materialize(h).model().resolve("stories260K.bin").toRealPath();
        // Same size and modification time, one byte of a sampled page changed (as a stray in-place writer would).
        java.nio.file.attribute.FileTime mtime = Files.getLastModifiedTime(copy);
        copy.toFile().setWritable(true);
        try (FileChannel ch = FileChannel.open(copy, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {42}), 100);
        }
        Files.setLastModifiedTime(copy, mtime);
        io.sparkllama.udfs.ModelChangedException e = assertThrows(io.sparkllama.udfs.ModelChangedException.class,
                () -> io.sparkllama.jobs.TaskFailures.run(() -> score(h)));
        assertEquals("model " + h.id() + ": the mapped file " + copy + " changed during the job (its content changed); nothing may"
                + " write the executor's model copies: rerun the job", e.getMessage());
        // Truncated: caught by its size before a task touches the mapping (which would fault the JVM).
        try (FileChannel ch = FileChannel.open(copy, StandardOpenOption.WRITE)) {
            ch.truncate(4096);
        }
        io.sparkllama.udfs.ModelChangedException t = assertThrows(io.sparkllama.udfs.ModelChangedException.class,
                () -> ExecutorModels.engine(h));
        assertTrue(t.getMessage().contains("(its size went from 1056540 to 4096 bytes)"), t.getMessage());
    }

    private static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
