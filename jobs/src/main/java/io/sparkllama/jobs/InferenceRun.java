package io.sparkllama.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.length;

import io.sparkllama.datasets.BadRows;
import io.sparkllama.datasets.TableReader;
import io.sparkllama.datasets.scan.InputScan;
import io.sparkllama.engine.Engine;
import io.sparkllama.jobs.output.CanonicalPath;
import io.sparkllama.jobs.output.OutputCommit;
import io.sparkllama.jobs.output.OutputGuard;
import io.sparkllama.jobs.storage.StorageCheck;
import io.sparkllama.udfs.ExecutorModels;
import io.sparkllama.udfs.JobProgress;
import io.sparkllama.udfs.ModelHandle;
import io.sparkllama.udfs.ModelResolver;
import io.sparkllama.udfs.tokencache.TokenCache;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * The steps every inference job shares: check the output path and scan the input on the driver,
 * take the output's lock, resolve and check the model, read and validate the input, broadcast the
 * model handle, run the job's {@code mapPartitions} function, write Parquet through Spark's commit
 * protocol into a fresh attempt directory with the run's metadata, publish it by rename, print a summary.
 */
public final class InferenceRun {
    /** Seconds between progress lines on stderr. */
    static final long PROGRESS_INTERVAL_MILLIS = 5_000;

    private InferenceRun() {
    }

    public static JobSummary run(SparkSession spark, JobSpec given, PrintStream out) {
        CommonSettings common = given.common();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Configuration conf = jsc.hadoopConfiguration();
        JobSpec spec = JobPaths.absolute(given, jsc.getConf().get("spark.submit.deployMode", "client"), conf);

        // Paths and input first: nothing is hashed, loaded or written before these pass (and the
        // storage behind each path answers and lets this user in).
        Map<String, String> reads = new LinkedHashMap<>();
        reads.put("input", spec.input());
        reads.put("model", spec.model());
        reads.put("tokenizer", spec.tokenizer());
        reads.put("token cache", spec.tokenCache());
        StorageCheck.job(reads, spec.output(), conf);
        CanonicalPath output = OutputGuard.check(spec.output(), common.mode(), reads, conf);
        InputScan.Result scanned = InputScan.scan(spec.input(), common.inputFormat(), spec.stringColumns(), common.badRows(),
                common.csv(), spec.tokenCache() != null, conf);
        OutputGuard.checkInputFiles(output, scanned.files().stream().map(InputScan.ScannedFile::uri).toList(), conf);
        try (OutputCommit commit = OutputCommit.begin(output, jsc.sc().applicationId(), holder(jsc), conf)) {
            OutputGuard.checkState(output, common.mode(), conf);
            JobSummary summary = runLocked(spark, jsc, spec, scanned, commit, out);
            commit.publish();
            return summary;
        }
    }

    private static JobSummary runLocked(SparkSession spark, JavaSparkContext jsc, JobSpec spec, InputScan.Result scanned,
                                        OutputCommit commit, PrintStream out) {
        CommonSettings common = spec.common();
        // Fail fast on a bad model: hash and load it here, before any Spark job (even the input's
        // schema inference) starts; in local mode the executor then reuses this very mapping.
        ModelHandle handle = ModelResolver.resolve(spec.model(), spec.tokenizer(), common.context(), common.activations(),
                common.modelTransport(), jsc).withMemoryBudgets(common.kvCacheMemory(), common.modelCacheMemory())
                .withKvCacheType(common.kvCacheType());
        Engine engine = ExecutorModels.engine(handle);
        out.printf(Locale.ROOT, "[spark-llama] model %s: %s, dim %d, %d layers, vocab %d, context %d, transport %s%n", handle.model(),
                engine.description(), engine.config().dim(), engine.config().nLayers(), engine.config().vocabSize(),
                engine.contextLength(), handle.transport());

        Dataset<Row> input = TableReader.read(spark, spec.input(), common.inputFormat(), common.badRows(), scanned.csv(),
                scanned.files().get(0).uri(), spec.columns());
        Dataset<Row> malformed = null;
        Dataset<Row> asRead = input;
        if (Arrays.asList(input.schema().fieldNames()).contains(TableReader.CORRUPT_RECORD)) {
            malformed = input.filter(col(TableReader.CORRUPT_RECORD).isNotNull());
            input = input.filter(col(TableReader.CORRUPT_RECORD).isNull()).drop(TableReader.CORRUPT_RECORD);
        }
        StructType schema = input.schema();
        spec.checkInput().accept(schema);
        // One Spark job over the ids before any inference: rows sharing an id cannot be told apart in the output.
        InputCounts counts = InputCounts.of(input);
        counts.checkIds(spec.input(), common.duplicateIds(), out);

        Broadcast<ModelHandle> model = jsc.broadcast(handle);
        JobProgress progress = new JobProgress(jsc.sc().longAccumulator(spec.job() + " rows"),
                jsc.sc().longAccumulator(spec.job() + " input tokens"), jsc.sc().longAccumulator(spec.job() + " output tokens"),
                jsc.sc().longAccumulator(spec.job() + " error rows"), jsc.sc().longAccumulator(spec.job() + " positions requested"),
                jsc.sc().longAccumulator(spec.job() + " positions computed"));
        // Keyed on the input's content (the scan's digests), before partitioning reshuffles it.
        TokenCache tokenCache = spec.tokenCache() == null ? null : TokenCacheSetup.create(spec.tokenCache(), spec, handle, scanned, jsc);
        input = partition(input, common, spec.textColumn(), spark);
        StructType outSchema = spec.outputSchema().apply(schema.apply("id").dataType());
        Dataset<Row> results = input.mapPartitions(spec.function().create(model, progress, tokenCache), Encoders.row(outSchema));
        long malformedRows = malformed == null ? 0 : scanned.malformedLines();
        if (malformed != null && common.badRows() == BadRows.ERROR) {
            results = results.union(MalformedRows.asErrorRows(malformed, outSchema));
        } else if (malformedRows > 0) {
            out.printf(Locale.ROOT, "[spark-llama] left out %d malformed input lines (bad_rows=skip)%n", malformedRows);
        }
        Dataset<Row> written = results;

        long t0 = System.nanoTime();
        jsc.setJobDescription("spark-llama " + spec.job() + ": " + spec.input() + " -> " + spec.output());
        // Spark refuses a query of raw JSON that reads only the corrupt-record column, which counting
        // the good rows would be; the scan counted the malformed lines already.
        long totalRows = malformed == null ? counts.rows() : asRead.count() - scanned.malformedLines();
        try (ProgressReporter ignored = new ProgressReporter(spec.job(), progress, totalRows, PROGRESS_INTERVAL_MILLIS, System.err,
                spark.sparkContext())) {
            TaskFailures.run(() -> written.write().mode(SaveMode.ErrorIfExists).parquet(commit.attemptDirectory()));
        } finally {
            jsc.setJobDescription(null);
            // The model's broadcast pieces are only needed while tasks may still start (retries,
            // replacement executors); free them on the driver and executors once the write is done.
            handle.chunks().forEach(pieces -> pieces.forEach(b -> b.destroy()));
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        long errorRows = common.badRows() == BadRows.ERROR ? malformedRows : 0;
        JobSummary summary = new JobSummary(spec.job(), spec.output(), progress.rows().value() + errorRows,
                progress.errors().value() + errorRows, progress.inputTokens().value(), progress.outputTokens().value(), seconds,
                tokenCache == null ? null : new TokenCacheCounts(tokenCache.directory(), tokenCache.cachedRows().value(),
                        tokenCache.tokenizedRows().value(), tokenCache.rebuiltFiles().value()));
        Map<String, Object> metadata = RunMetadata.describe(spec, handle, summary, spark.sparkContext().master());
        metadata.put("memory", MemoryRecord.describe(engine, handle, spark.sparkContext().master()));
        if (scanned.csv() != null) {
            // How the CSV was read, as the scan found it: a rerun can be checked against the same reading.
            metadata.put("input_csv", Map.of("quote", String.valueOf(scanned.csv().quote()), "escape", String.valueOf(scanned.csv().escape()),
                    "separator", String.valueOf(scanned.csv().delimiter()), "line_ending", scanned.csv().lineSeparator().equals("\r\n") ? "CRLF" : "LF"));
        }
        long requested = progress.positionsRequested().value();
        long computed = progress.positionsComputed().value();
        if (requested > 0) {
            // Scoring jobs: how much of the model's work the prefix cache saved.
            @SuppressWarnings("unchecked")
            Map<String, Object> recordedCounts = (Map<String, Object>) metadata.get("counts");
            recordedCounts.put("positions_requested", requested);
            recordedCounts.put("positions_computed", computed);
            recordedCounts.put("prefix_hit_rate", 1 - (double) computed / requested);
        }
        RunMetadata.write(commit.attemptDirectory(), metadata, jsc.hadoopConfiguration());
        out.printf(Locale.ROOT, "[spark-llama] wrote %d rows (%d with errors) to %s in %.1f s: %d input tokens, %d output tokens (%.1f tok/s)%n",
                summary.rows(), summary.errors(), spec.output(), seconds, summary.inputTokens(), summary.outputTokens(),
                (summary.inputTokens() + summary.outputTokens()) / Math.max(seconds, 1e-9));
        if (requested > 0) {
            out.printf(Locale.ROOT, "[spark-llama] prefix cache: %d of %d positions run (hit rate %.1f%%)%n", computed, requested,
                    100 * (1 - (double) computed / requested));
        }
        if (summary.tokenCache() != null) {
            TokenCacheCounts c = summary.tokenCache();
            out.printf(Locale.ROOT, "[spark-llama] token cache %s: %d rows from the cache (hits), %d rows tokenized (misses), %d corrupt files rebuilt%n",
                    c.directory(), c.cachedRows(), c.tokenizedRows(), c.rebuiltFiles());
        }
        return summary;
    }

    // Written into the lock file, so a second writer's error says who holds the output.
    private static String holder(JavaSparkContext jsc) {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "unknown host";
        }
        return "application " + jsc.sc().applicationId() + " (" + jsc.sc().appName() + ") on " + host + ", pid "
                + ProcessHandle.current().pid() + ", since " + java.time.Instant.now();
    }

    // balance_by_length: range-partition by text length, so each partition holds rows of similar
    // length (micro-batches then have even work) and partitions have similar row counts.
    private static Dataset<Row> partition(Dataset<Row> input, CommonSettings common, String textColumn, SparkSession spark) {
        int n = common.partitions() > 0 ? common.partitions() : Math.max(1, spark.sparkContext().defaultParallelism());
        if (common.groupByPrefix()) {
            // group_by_prefix: rows sharing a prefix (a system prompt, few-shot examples) go to one
            // partition and sit next to each other there, so its prefix cache computes it once.
            return input.repartitionByRange(n, col(textColumn)).sortWithinPartitions(col(textColumn));
        }
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
