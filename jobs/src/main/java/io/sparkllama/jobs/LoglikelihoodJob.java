package io.sparkllama.jobs;

import io.sparkllama.datasets.RequiredColumns;
import io.sparkllama.udfs.LlamaTask;
import io.sparkllama.udfs.LoglikelihoodSettings;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

/**
 * log P(continuation | context) for a table of pairs (columns {@code id}, {@code context},
 * {@code continuation}, any others kept) with lm-evaluation-harness semantics, written as Parquet.
 */
public final class LoglikelihoodJob {
    static final java.util.Set<String> SETTINGS = GenerateJob.union(CommonSettings.KEYS, PackingKeys.KEYS);

    private LoglikelihoodJob() {
    }

    /** The job's inputs, checked before any Spark session exists. */
    public record Config(String input, String output, String model, String tokenizer, CommonSettings common,
                         LoglikelihoodSettings settings) {
        public static Config from(JobArguments args) {
            Settings s = new Settings("loglikelihood", args.settings(), SETTINGS);
            CommonSettings common = CommonSettings.from(s);
            return new Config(args.require("input"), args.require("output"), args.require("model"), args.option("tokenizer"), common,
                    new LoglikelihoodSettings(common.threads(), PackingKeys.batchSize(s), PackingKeys.from(s)));
        }

        JobSpec spec() {
            Map<String, Object> recorded = RecordedSettings.of(settings, common);
            return new JobSpec("loglikelihood", input, output, common, model, tokenizer, "context", List.of("context", "continuation"), List.of(), schema -> {
                RequiredColumns.require(input, schema, "id");
                RequiredColumns.requireSortable(input, schema, "id");
                RequiredColumns.require(input, schema, "context", DataTypes.StringType);
                RequiredColumns.require(input, schema, "continuation", DataTypes.StringType);
            }, engine -> { }, LlamaTask.LOGLIKELIHOOD, RecordedSettings.options(settings), recorded, null);
        }
    }

    public static JobSummary run(SparkSession spark, Config c, PrintStream out) {
        return InferenceRun.run(spark, c.spec(), out);
    }
}
