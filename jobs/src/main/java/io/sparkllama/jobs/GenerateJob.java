package io.sparkllama.jobs;

import io.sparkllama.datasets.RequiredColumns;
import io.sparkllama.engine.error.InvalidRequestException;
import io.sparkllama.engine.generate.GenerationRequest;
import io.sparkllama.engine.generate.SamplingParams;
import io.sparkllama.udfs.GenerateSettings;
import io.sparkllama.udfs.LlamaTask;
import io.sparkllama.udfs.OutputOptions;
import java.io.PrintStream;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Completions for a prompt table (columns {@code id}, {@code prompt}, any others kept), written as Parquet. */
public final class GenerateJob {
    static final Set<String> SETTINGS = union(union(CommonSettings.KEYS, Set.of("max_tokens", "temperature", "top_k", "top_p", "seed")),
            Config.OUTPUT_SETTINGS);

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
        /** top_logprobs and structured output (docs/structured-output.md). */
        static final Set<String> OUTPUT_SETTINGS = Set.of("top_logprobs", "json_schema", "choices", "output_schema");

        public static Config from(JobArguments args) {
            Settings s = new Settings("generate", args.settings(), SETTINGS);
            CommonSettings common = CommonSettings.from(s);
            GenerateSettings gen = new GenerateSettings(
                    s.integer("max_tokens", 128, 0), s.number("temperature", 0f), s.integer("top_k", 0, 0),
                    s.number("top_p", 1f), s.longValue("seed", 42L), common.threads(), common.batchSize(), outputOptions(s));
            try {
                new SamplingParams(gen.temperature(), gen.topK(), gen.topP(), gen.seed());
            } catch (InvalidRequestException e) {
                throw new JobConfigException("generate: " + e.getMessage());
            }
            return new Config(args.require("input"), args.require("output"), args.require("model"), args.option("tokenizer"), common, gen);
        }

        /** top_logprobs, json_schema / choices and output_schema, each checked (a schema compiled) before Spark starts. */
        private static OutputOptions outputOptions(Settings s) {
            int topLogprobs = s.integer("top_logprobs", 0, 0, GenerationRequest.MAX_TOP_LOGPROBS);
            String jsonSchema = s.string("json_schema", null);
            String choices = s.string("choices", null);
            try {
                OutputOptions o = new OutputOptions(topLogprobs, jsonSchema, choices == null ? null : OutputOptions.parseChoices(choices),
                        s.string("output_schema", null));
                o.format();
                o.parsedType();
                return o;
            } catch (InvalidRequestException e) {
                throw new JobConfigException("generate: " + e.getMessage());
            }
        }

        JobSpec spec() {
            Map<String, Object> recorded = RecordedSettings.of(generation, common);
            return new JobSpec("generate", input, output, common, model, tokenizer, "prompt", List.of("prompt"), List.of("max_tokens", "seed", "temperature", "top_logprobs", "json_schema", "choices"), schema -> {
                RequiredColumns.require(input, schema, "id");
                RequiredColumns.requireSortable(input, schema, "id");
                RequiredColumns.require(input, schema, "prompt", DataTypes.StringType);
                RequiredColumns.optional(input, schema, "max_tokens", DataTypes.LongType, DataTypes.IntegerType);
                RequiredColumns.optional(input, schema, "seed", DataTypes.LongType, DataTypes.IntegerType);
                RequiredColumns.optional(input, schema, "temperature", DataTypes.DoubleType, DataTypes.FloatType, DataTypes.LongType, DataTypes.IntegerType);
                checkOutputColumns(input, schema);
            }, LlamaTask.GENERATE, RecordedSettings.options(generation), recorded, null);
        }
    }

    /** A row's own top_logprobs, json_schema and choices columns, where the input has them. */
    private static void checkOutputColumns(String input, StructType schema) {
        RequiredColumns.optional(input, schema, "top_logprobs", DataTypes.LongType, DataTypes.IntegerType);
        RequiredColumns.optional(input, schema, "json_schema", DataTypes.StringType);
        RequiredColumns.optional(input, schema, "choices", DataTypes.createArrayType(DataTypes.StringType, true),
                DataTypes.createArrayType(DataTypes.StringType, false));
    }

    public static JobSummary run(SparkSession spark, JobArguments args, PrintStream out) {
        return run(spark, Config.from(args), out);
    }

    public static JobSummary run(SparkSession spark, Config c, PrintStream out) {
        return InferenceRun.run(spark, c.spec(), out);
    }
}
