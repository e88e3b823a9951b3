package io.sparkllama.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.length;

import io.sparkllama.datasets.TableReader;
import io.sparkllama.engine.Engine;
import io.sparkllama.udfs.ExecutorModels;
import io.sparkllama.udfs.JobProgress;
import io.sparkllama.udfs.ModelHandle;
import io.sparkllama.udfs.ModelResolver;
import io.sparkllama.udfs.tokencache.TokenCache;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * The steps every inference job shares: resolve and check the model on the driver, read and
 * validate the input, broadcast the model handle, run the job's {@code mapPartitions} function,
 * write Parquet through Spark's commit protocol, record the run's metadata, print a summary.
 */
public final class InferenceRun {
    /** Seconds between progress lines on stderr. */
    static final long PROGRESS_INTERVAL_MILLIS = 5_000;

    private InferenceRun() {
    }

    public static JobSummary run(SparkSession spark, JobSpec spec, PrintStream out) {
        CommonSettings common = spec.common();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());

        // Fail fast on a bad model: hash and load it here, before any Spark job (even the input's
        // schema inference) starts; in local mode the executor then reuses this very mapping.
        ModelHandle handle = ModelResolver.resolve(spec.model(), spec.tokenizer(), common.context(), common.activations(),
                common.modelTransport(), jsc).withMemoryBudgets(common.kvCacheMemory(), common.modelCacheMemory());
        Engine engine = ExecutorModels.engine(handle);
        out.printf(Locale.ROOT, "[spark-llama] model %s: %s, dim %d, %d layers, vocab %d, context %d, transport %s%n", handle.model(),
                engine.description(), engine.config().dim(), engine.config().nLayers(), engine.config().vocabSize(),
                engine.contextLength(), handle.transport());

        Dataset<Row> input = TableReader.read(spark, spec.input(), common.inputFormat());
        StructType schema = input.schema();
        spec.checkInput().accept(schema);

        Broadcast<ModelHandle> model = jsc.broadcast(handle);
        JobProgress progress = new JobProgress(jsc.sc().longAccumulator(spec.job() + " rows"),
                jsc.sc().longAccumulator(spec.job() + " input tokens"), jsc.sc().longAccumulator(spec.job() + " output tokens"),
                jsc.sc().longAccumulator(spec.job() + " error rows"));
        // Keyed on the input as read (its files), before partitioning reshuffles it.
        TokenCache tokenCache = spec.tokenCache() == null ? null : TokenCacheSetup.create(spec.tokenCache(), spec, handle, input, jsc);
        input = partition(input, common, spec.textColumn(), spark);
        StructType outSchema = spec.outputSchema().apply(schema.apply("id").dataType());
        Dataset<Row> results = input.mapPartitions(spec.function().create(model, progress, tokenCache), Encoders.row(outSchema));

        long t0 = System.nanoTime();
        jsc.setJobDescription("spark-llama " + spec.job() + ": " + spec.input() + " -> " + spec.output());
        long totalRows = input.count();
        try (ProgressReporter ignored = new ProgressReporter(spec.job(), progress, totalRows, PROGRESS_INTERVAL_MILLIS, System.err,
                spark.sparkContext())) {
            TaskFailures.run(() -> results.write().mode(common.mode()).parquet(spec.output()));
        } finally {
            jsc.setJobDescription(null);
            // The model's broadcast pieces are only needed while tasks may still start (retries,
            // replacement executors); free them on the driver and executors once the write is done.
            handle.chunks().forEach(pieces -> pieces.forEach(b -> b.destroy()));
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        JobSummary summary = new JobSummary(spec.job(), spec.output(), progress.rows().value(), progress.errors().value(),
                progress.inputTokens().value(), progress.outputTokens().value(), seconds, tokenCache == null ? null
                : new TokenCacheCounts(tokenCache.directory(), tokenCache.cachedRows().value(), tokenCache.tokenizedRows().value(),
                        tokenCache.rebuiltFiles().value()));
        Map<String, Object> metadata = RunMetadata.describe(spec, handle, summary, spark.sparkContext().master());
        metadata.put("memory", MemoryRecord.describe(engine, handle, spark.sparkContext().master()));
        RunMetadata.write(spec.output(), metadata, spark.sparkContext().hadoopConfiguration());
        out.printf(Locale.ROOT, "[spark-llama] wrote %d rows (%d with errors) to %s in %.1f s: %d input tokens, %d output tokens (%.1f tok/s)%n",
                summary.rows(), summary.errors(), spec.output(), seconds, summary.inputTokens(), summary.outputTokens(),
                (summary.inputTokens() + summary.outputTokens()) / Math.max(seconds, 1e-9));
        if (summary.tokenCache() != null) {
            TokenCacheCounts c = summary.tokenCache();
            out.printf(Locale.ROOT, "[spark-llama] token cache %s: %d rows from the cache (hits), %d rows tokenized (misses), %d corrupt files rebuilt%n",
                    c.directory(), c.cachedRows(), c.tokenizedRows(), c.rebuiltFiles());
        }
        return summary;
    }

    // balance_by_length: range-partition by text length, so each partition holds rows of similar
    // length (micro-batches then have even work) and partitions have similar row counts.
    private static Dataset<Row> partition(Dataset<Row> input, CommonSettings common, String textColumn, SparkSession spark) {
        int n = common.partitions() > 0 ? common.partitions() : Math.max(1, spark.sparkContext().defaultParallelism());
        if (common.balanceByLength()) {
            String len = "_spark_llama_length";
            return input.withColumn(len, length(col(textColumn)))
                    .repartitionByRange(n, col(len))
                    .sortWithinPartitions(col(len))
                    .drop(len);
        }
        return common.partitions() > 0 ? input.repartition(common.partitions()) : input;
    }
}
