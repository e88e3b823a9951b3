package io.sparkllama.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkllama.engine.Engine;
import io.sparkllama.jobs.TaskFailures;
import io.sparkllama.udfs.DataFrameInference;
import io.sparkllama.udfs.ExecutorModels;
import io.sparkllama.udfs.JobProgress;
import io.sparkllama.udfs.LlamaTask;
import io.sparkllama.udfs.ModelChecksumException;
import io.sparkllama.udfs.ModelFile;
import io.sparkllama.udfs.ModelHandle;
import io.sparkllama.udfs.ModelResolver;
import io.sparkllama.udfs.ModelTransport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

/** The three model transports give identical results, load once per JVM, and refuse a file whose sha256 differs. */
class ModelTransportTest {
    @TempDir
    Path tmp;

    private Path modelCopy(String dirName) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(dirName));
        Files.copy(TestSpark.requireShared("models/stories260K/stories260K.bin"), dir.resolve(dirName + ".bin"));
        Files.copy(TestSpark.requireShared("models/stories260K/tok512.bin"), dir.resolve("tok512.bin"));
        return dir;
    }

    @Test
    void everyTransportScoresTheSameAndLoadsOnce() throws IOException {
        Path input = tmp.resolve("t.jsonl");
        Files.write(input, List.of("{\"id\": 1, \"text\": \"Once upon a time, there was a little girl.\"}",
                "{\"id\": 2, \"text\": \"Tom had a big red ball.\"}", "{\"id\": 3, \"text\": \"The cat sat on the mat.\"}",
                "{\"id\": 4, \"text\": \"Lily and Ben went to the park.\"}"));
        List<Row> reference = null;
        for (String transport : List.of("path", "spark-files", "broadcast")) {
            Path model = modelCopy("m-" + transport);
            String out = tmp.resolve("out-" + transport).toString();
            int before = ExecutorModels.loadCount();
            JobRunner.run("score", input.toString(), out, model.toString(), "model_transport=" + transport, "partitions=4", "batch_size=1");
            assertEquals(1, ExecutorModels.loadCount() - before, transport + ": one load in this JVM for 4 tasks");
            List<Row> rows = TestSpark.session().read().parquet(out).orderBy("id").collectAsList();
            if (reference == null) {
                reference = rows;
            } else {
                assertEquals(reference, rows, transport + " gives the same rows as path");
            }
        }
    }

    @Test
    void broadcastPiecesAreReassembledOnDisk() throws IOException {
        Path model = modelCopy("m-pieces");
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(TestSpark.session().sparkContext());
        ModelHandle h = ModelResolver.resolve(model.toString(), null, 0, Engine.DEFAULT_PRECISION, "broadcast", jsc, 64 << 10);
        ModelFile weights = h.files().get(0);
        assertEquals("m-pieces.bin", weights.name());
        assertEquals((weights.size() + (64 << 10) - 1) / (64 << 10), h.chunks().get(0).size(), "pieces of 64 KiB");
        ModelTransport.Local local = ModelTransport.materialize(h);
        assertNotEquals(model, local.model(), "the broadcast copy lives in the executor's local dir");
        assertEquals(Files.mismatch(model.resolve("m-pieces.bin"), local.model().resolve("m-pieces.bin")), -1L, "byte-identical copy");
    }

    @Test
    void aChangedFileFailsWithOneClearError() throws IOException {
        Path model = modelCopy("m-tampered");
        ModelHandle h = ModelResolver.resolve(model.toString(), null, 0, Engine.DEFAULT_PRECISION, "path", null);
        byte[] bytes = Files.readAllBytes(model.resolve("m-tampered.bin"));
        bytes[bytes.length - 1] ^= 1;
        Files.write(model.resolve("m-tampered.bin"), bytes);
        ModelChecksumException e = assertThrows(ModelChecksumException.class, () -> ExecutorModels.engine(h));
        assertTrue(e.getMessage().contains("m-tampered.bin") && e.getMessage().contains("sha256")
                && e.getMessage().contains(h.files().get(0).sha256()), e.getMessage());
    }

    @Test
    void aMismatchOnAnExecutorFailsTheJobWithThatOneError() throws IOException {
        Path model = modelCopy("m-executor-mismatch");
        // The driver hashed the file; it then changes before an executor opens it.
        ModelHandle h = ModelResolver.resolve(model.toString(), null, 0, Engine.DEFAULT_PRECISION, "path", null);
        byte[] bytes = Files.readAllBytes(model.resolve("m-executor-mismatch.bin"));
        bytes[bytes.length - 1] ^= 1;
        Files.write(model.resolve("m-executor-mismatch.bin"), bytes);
        SparkSession spark = TestSpark.session();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Dataset<Row> texts = spark.createDataFrame(List.of(RowFactory.create(1L, "Once upon a time")),
                new StructType().add("id", "long").add("text", "string"));
        JobProgress progress = new JobProgress(jsc.sc().longAccumulator(), jsc.sc().longAccumulator(), jsc.sc().longAccumulator(),
                jsc.sc().longAccumulator());
        Dataset<Row> scored = DataFrameInference.withResults(LlamaTask.SCORE, texts, jsc.broadcast(h), Map.of("threads", "1", "batch_size", "4"),
                progress, null);
        ModelChecksumException e = assertThrows(ModelChecksumException.class, () -> TaskFailures.run(() -> scored.count()));
        assertTrue(e.getMessage().contains("m-executor-mismatch.bin") && e.getMessage().contains("the driver computed"), e.getMessage());
    }
}
