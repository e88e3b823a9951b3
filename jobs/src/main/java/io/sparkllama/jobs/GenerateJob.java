package io.sparkllama.jobs;

import io.sparkllama.datasets.RequiredColumns;
import io.sparkllama.engine.error.InvalidRequestException;
import io.sparkllama.engine.generate.SamplingParams;
import io.sparkllama.udfs.GenerateSettings;
import io.sparkllama.udfs.LlamaTask;
import java.io.PrintStream;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

/** Completions for a prompt table (columns {@code id}, {@code prompt}, any others kept), written as Parquet. */
public final class GenerateJob {
    static final Set<String> SETTINGS = union(CommonSettings.KEYS, Set.of("max_tokens", "temperature", "top_k", "top_p", "seed"));

    private GenerateJob() {
    }

    static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> s = new HashSet<>(a);
        s.addAll(b);
        return Set.copyOf(s);
    }

    /** The job's inputs, checked before any Spark session exists. */
    public record Config(String input, String output, String model, String tokenizer, CommonSettings common,
                         GenerateSettings generation) {
        public static Config from(JobArguments args) {
            Settings s = new Settings("generate", args.settings(), SETTINGS);
            CommonSettings common = CommonSettings.from(s);
            GenerateSettings gen = new GenerateSettings(
                    s.integer("max_tokens", 128, 0), s.number("temperature", 0f), s.integer("top_k", 0, 0),
                    s.number("top_p", 1f), s.longValue("seed", 42L), common.threads(), common.batchSize());
            try {
                new SamplingParams(gen.temperature(), gen.topK(), gen.topP(), gen.seed());
            } catch (InvalidRequestException e) {
                throw new JobConfigException("generate: " + e.getMessage());
            }
            return new Config(args.require("input"), args.require("output"), args.require("model"), args.option("tokenizer"), common, gen);
        }

        JobSpec spec() {
            Map<String, Object> recorded = RecordedSettings.of(generation, common);
            return new JobSpec("generate", input, output, common, model, tokenizer, "prompt", List.of("prompt"), List.of("max_tokens", "seed", "temperature"), schema -> {
                RequiredColumns.require(input, schema, "id");
                RequiredColumns.requireSortable(input, schema, "id");
                RequiredColumns.require(input, schema, "prompt", DataTypes.StringType);
                RequiredColumns.optional(input, schema, "max_tokens", DataTypes.LongType, DataTypes.IntegerType);
                RequiredColumns.optional(input, schema, "seed", DataTypes.LongType, DataTypes.IntegerType);
                RequiredColumns.optional(input, schema, "temperature", DataTypes.DoubleType, DataTypes.FloatType, DataTypes.LongType, DataTypes.IntegerType);
            }, LlamaTask.GENERATE, RecordedSettings.options(generation), recorded, null);
        }
    }

    public static JobSummary run(SparkSession spark, JobArguments args, PrintStream out) {
        return run(spark, Config.from(args), out);
    }

    public static JobSummary run(SparkSession spark, Config c, PrintStream out) {
        return InferenceRun.run(spark, c.spec(), out);
    }
}
