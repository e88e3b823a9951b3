package io.sparkllama.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkllama.engine.MemoryUsage;
import io.sparkllama.udfs.DataFrameInference;
import io.sparkllama.udfs.JobProgress;
import io.sparkllama.udfs.LlamaTask;
import io.sparkllama.udfs.ModelHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FilterFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * Row functions give their engine session back when the Spark task ends, however it ends: a task
 * that fails mid-partition (the input throws while rows are generating) and one that stops early
 * (LIMIT) leave no worker thread and no KV block behind, though they never reach the input's end.
 */
class TaskScopeTest {
    private static final int ROWS = 64;
    /** Past the generate stream's first pull (its reorder window: 16 x batch_size 3 = 48 rows), so that rows are generating. */
    private static final long FAIL_AT = 60;
    /** What the input saw when it failed (local mode: the task runs in this JVM). */
    private static volatile int workersAtFailure;
    /** The most KV bytes in use while the input was read, up to the failure. */
    private static volatile long kvBytesWhileReading;

    static int workerThreads() {
        int n = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && t.getName().startsWith("spark-llama-worker-")) {
                n++;
            }
        }
        return n;
    }

    private static Dataset<Row> rows() {
        StructType schema = new StructType().add("id", "long").add("prompt", "string").add("text", "string")
                .add("context", "string").add("continuation", "string").add("max_tokens", "int");
        List<Row> full = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            String text = "Once upon a time, there was a little girl named " + i + ".";
            // Staggered lengths: rows finish at different steps, so the input is read while others generate.
            full.add(RowFactory.create((long) i, text, text, text, " She liked to play.", 4 + (i % 5) * 11));
        }
        return TestSpark.session().createDataFrame(full, schema).coalesce(1);
    }

    /** The input of a single task, throwing at row {@link #FAIL_AT} after noting what the engine held then. */
    private static Dataset<Row> failingRows() {
        return rows().filter((FilterFunction<Row>) r -> {
            kvBytesWhileReading = Math.max(kvBytesWhileReading, MemoryUsage.jvmKvInUseBytes());
            if (r.getLong(0) == FAIL_AT) {
                workersAtFailure = workerThreads();
                throw new IllegalStateException("injected failure at row " + FAIL_AT);
            }
            return true;
        });
    }

    private static JobProgress progress(JavaSparkContext jsc) {
        return new JobProgress(jsc.sc().longAccumulator(), jsc.sc().longAccumulator(), jsc.sc().longAccumulator(), jsc.sc().longAccumulator());
    }

    private record Surface(String name, UnaryOperator<Dataset<Row>> run, boolean holdsKvBetweenRows) {
    }

    private static List<Surface> surfaces() {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(TestSpark.session().sparkContext());
        Broadcast<ModelHandle> model = jsc.broadcast(ModelHandle.local(TestSpark.requireShared("models/stories260K/stories260K.bin").toString(),
                TestSpark.requireShared("models/stories260K/tok512.bin").toString(), 0));
        return List.of(
                new Surface("generate", df -> DataFrameInference.withResults(LlamaTask.GENERATE, df, model, Map.of("max_tokens", "48",
                        "threads", "2", "batch_size", "3", "max_tokens_col", "max_tokens"), progress(jsc), null), true),
                new Surface("score", df -> DataFrameInference.withResults(LlamaTask.SCORE, df, model, Map.of("threads", "2", "batch_size", "8"),
                        progress(jsc), null), false),
                new Surface("loglikelihood", df -> DataFrameInference.withResults(LlamaTask.LOGLIKELIHOOD, df, model,
                        Map.of("threads", "2", "batch_size", "8"), progress(jsc), null), false));
    }

    @Test
    void aTaskThatFailsMidPartitionReleasesItsThreadsAndKvBlocks() {
        for (Surface s : surfaces()) {
            int workers = workerThreads();
            long kv = MemoryUsage.jvmKvInUseBytes();
            workersAtFailure = -1;
            kvBytesWhileReading = kv;
            Exception e = assertThrows(Exception.class,
                    () -> s.run().apply(failingRows()).collectAsList(), s.name());
            assertTrue(String.valueOf(rootMessage(e)).contains("injected failure at row " + FAIL_AT), s.name() + ": " + rootMessage(e));
            assertEquals(workers + 1, workersAtFailure, s.name() + ": the task's session (2 threads: 1 worker) was running at the failure");
            if (s.holdsKvBetweenRows()) {
                assertTrue(kvBytesWhileReading > kv, s.name() + ": rows were generating, holding KV blocks, while the input was read");
            }
            assertEquals(workers, workerThreads(), s.name() + ": the failed task's worker threads are gone");
            assertEquals(kv, MemoryUsage.jvmKvInUseBytes(), s.name() + ": the failed task's KV blocks are back");
        }
    }

    @Test
    void aTaskStoppedEarlyByALimitReleasesItsThreadsAndKvBlocks() {
        for (Surface s : surfaces()) {
            int workers = workerThreads();
            long kv = MemoryUsage.jvmKvInUseBytes();
            List<Row> first = s.run().apply(rows()).limit(3).collectAsList();
            assertEquals(3, first.size(), s.name());
            assertEquals(0L, (long) first.get(0).getAs("id"), s.name() + ": input order");
            assertEquals(workers, workerThreads(), s.name() + ": no worker thread left behind");
            assertEquals(kv, MemoryUsage.jvmKvInUseBytes(), s.name() + ": no KV block left behind");
        }
    }

    private static String rootMessage(Throwable t) {
        StringBuilder all = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            all.append(c.getMessage()).append(" / ");
        }
        return all.toString();
    }
}
