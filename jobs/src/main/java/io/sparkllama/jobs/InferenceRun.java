package io.sparkllama.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.length;

import io.sparkllama.datasets.scan.InputScan;
import io.sparkllama.engine.Engine;
import io.sparkllama.jobs.output.CanonicalPath;
import io.sparkllama.jobs.output.OutputCommit;
import io.sparkllama.jobs.output.OutputGuard;
import io.sparkllama.jobs.storage.StorageCheck;
import io.sparkllama.udfs.DataFrameInference;
import io.sparkllama.udfs.ExecutorModels;
import io.sparkllama.udfs.JobProgress;
import io.sparkllama.udfs.MaxAccumulator;
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
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * The steps every inference job shares: check the output path and scan the input on the driver,
 * take the output's lock, resolve and check the model, read and validate the input, broadcast the
 * model handle, append the job's result columns to every input row (the DataFrame API), write Parquet through Spark's commit
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

    // The recipe: model, read and check, the DataFrame API over every input row, write, record.
    private static JobSummary runLocked(SparkSession spark, JavaSparkContext jsc, JobSpec spec, InputScan.Result scanned,
                                        OutputCommit commit, PrintStream out) {
        CommonSettings common = spec.common();
        ModelHandle handle = resolveModel(spec, jsc, out);
        spec.checkModel().accept(ExecutorModels.engine(handle));
        InputTable input = InputTable.read(spark, spec, scanned, out);
        Broadcast<ModelHandle> model = jsc.broadcast(handle);
        JobProgress progress = progress(jsc, spec.job());
        // Keyed on the input's content (the scan's digests), before partitioning reshuffles it.
        TokenCache tokenCache = spec.tokenCache() == null ? null : TokenCacheSetup.create(spec.tokenCache(), spec, handle, scanned, jsc);
        Dataset<Row> results = DataFrameInference.withResults(spec.task(), partition(input.rows(), common, spec.textColumn(), spark), model,
                options(spec, input.rows().schema()), progress, tokenCache);
        Dataset<Row> written = input.withMalformed(results, common.badRows(), out);

        long t0 = System.nanoTime();
        jsc.setJobDescription("spark-llama " + spec.job() + ": " + spec.input() + " -> " + spec.output());
        try (ProgressReporter ignored = new ProgressReporter(spec.job(), progress, input.totalRows(), PROGRESS_INTERVAL_MILLIS, System.err,
                spark.sparkContext())) {
            TaskFailures.run(() -> written.write().mode(SaveMode.ErrorIfExists).parquet(commit.attemptDirectory()));
        } finally {
            jsc.setJobDescription(null);
            // The model's broadcast pieces are only needed while tasks may still start (retries,
            // replacement executors); free them on the driver and executors once the write is done.
            handle.chunks().forEach(pieces -> pieces.forEach(b -> b.destroy()));
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        return RunRecord.write(spec, handle, ExecutorModels.engine(handle), scanned, progress, tokenCache, input.errorRows(common.badRows()),
                seconds, spark.sparkContext().master(), commit.attemptDirectory(), jsc.hadoopConfiguration(), out);
    }

    // Fail fast on a bad model: hash and load it before any Spark job (even the input's schema
    // inference) starts; in local mode the executor then reuses this very mapping.
    private static ModelHandle resolveModel(JobSpec spec, JavaSparkContext jsc, PrintStream out) {
        CommonSettings common = spec.common();
        ModelHandle handle = ModelResolver.resolve(spec.model(), spec.tokenizer(), common.context(), common.activations(),
                common.modelTransport(), jsc).withMemoryBudgets(common.kvCacheMemory(), common.modelCacheMemory())
                .withKvCacheType(common.kvCacheType());
        Engine engine = ExecutorModels.engine(handle);
        out.printf(Locale.ROOT, "[spark-llama] model %s: %s, dim %d, %d layers, vocab %d, context %d, transport %s%n", handle.model(),
                engine.description(), engine.dim(), engine.layers(), engine.vocabSize(),
                engine.contextLength(), handle.transport());
        return handle;
    }

    private static JobProgress progress(JavaSparkContext jsc, String job) {
        return new JobProgress(jsc.sc().longAccumulator(job + " rows"), jsc.sc().longAccumulator(job + " input tokens"),
                jsc.sc().longAccumulator(job + " output tokens"), jsc.sc().longAccumulator(job + " error rows"),
                jsc.sc().longAccumulator(job + " positions requested"), jsc.sc().longAccumulator(job + " positions computed"),
                MaxAccumulator.register(jsc.sc(), job + " executor KV peak bytes"), MaxAccumulator.register(jsc.sc(), job + " executor heap peak bytes"));
    }

    // The job's DataFrame API options, with the id (the token cache's key) and the per-row setting columns the input has.
    private static Map<String, String> options(JobSpec spec, StructType schema) {
        Map<String, String> options = new LinkedHashMap<>(spec.options());
        options.put("id_col", "id");
        for (String c : spec.optionalColumns()) {
            if (Arrays.asList(schema.fieldNames()).contains(c)) {
                options.put(c + "_col", c); // a row's own max_tokens, seed, temperature
            }
        }
        return options;
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
