package io.sparkllama.jobs;

import io.sparkllama.datasets.RequiredColumns;
import io.sparkllama.engine.error.InvalidRequestException;
import io.sparkllama.engine.sampling.SamplingParams;
import io.sparkllama.udfs.GenerateOutput;
import io.sparkllama.udfs.GenerateRows;
import io.sparkllama.udfs.GenerateSettings;
import io.sparkllama.udfs.OutputOptions;
import io.sparkllama.udfs.ParsedColumn;
import io.sparkllama.engine.sampling.TopLogprobs;
import java.io.PrintStream;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

/** Completions for a prompt table (columns {@code id}, {@code prompt}), written as Parquet. */
public final class GenerateJob {
    static final Set<String> SETTINGS = union(CommonSettings.KEYS, Set.of("max_tokens", "temperature", "top_k", "top_p", "seed",
            "top_logprobs", "json_schema", "choices", "output_schema"));

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
            int topLogprobs = s.integer("top_logprobs", 0, 0, TopLogprobs.MAX_K);
            String jsonSchema = s.string("json_schema", null);
            String choices = s.string("choices", null);
            String outputSchema = s.string("output_schema", null);
            try {
                OutputOptions o = new OutputOptions(topLogprobs, jsonSchema, choices == null ? null : OutputOptions.parseChoices(choices), outputSchema);
                o.constraint();
                if (outputSchema != null) {
                    ParsedColumn.type(outputSchema, jsonSchema);
                }
                return o;
            } catch (InvalidRequestException e) {
                throw new JobConfigException("generate: " + e.getMessage());
            }
        }

        JobSpec spec() {
            Map<String, Object> recorded = new LinkedHashMap<>();
            recorded.put("max_tokens", generation.maxTokens());
            recorded.put("temperature", generation.temperature());
            recorded.put("top_k", generation.topK());
            recorded.put("top_p", generation.topP());
            recorded.put("seed", generation.seed());
            OutputOptions opts = generation.output();
            recorded.put("top_logprobs", opts.topLogprobs());
            if (opts.jsonSchema() != null) {
                recorded.put("json_schema", opts.jsonSchema());
            }
            if (opts.choices() != null) {
                recorded.put("choices", opts.choices());
            }
            if (opts.outputSchema() != null) {
                recorded.put("output_schema", opts.outputSchema());
            }
            recorded.put("threads", common.threads());
            recorded.put("batch_size", common.batchSize());
            recorded.put("context", common.context());
            recorded.put("balance_by_length", common.balanceByLength());
            GenerateSettings gen = generation;
            return new JobSpec("generate", input, output, common, model, tokenizer, "prompt", List.of("prompt"), List.of("max_tokens", "seed", "temperature", "top_logprobs", "json_schema", "choices"), schema -> {
                RequiredColumns.require(input, schema, "id");
                RequiredColumns.requireSortable(input, schema, "id");
                RequiredColumns.require(input, schema, "prompt", DataTypes.StringType);
                RequiredColumns.optional(input, schema, "max_tokens", DataTypes.LongType, DataTypes.IntegerType);
                RequiredColumns.optional(input, schema, "seed", DataTypes.LongType, DataTypes.IntegerType);
                RequiredColumns.optional(input, schema, "temperature", DataTypes.DoubleType, DataTypes.FloatType, DataTypes.LongType, DataTypes.IntegerType);
                RequiredColumns.optional(input, schema, "top_logprobs", DataTypes.LongType, DataTypes.IntegerType);
                RequiredColumns.optional(input, schema, "json_schema", DataTypes.StringType);
                RequiredColumns.optional(input, schema, "choices", DataTypes.createArrayType(DataTypes.StringType, true),
                        DataTypes.createArrayType(DataTypes.StringType, false));
            }, idType -> GenerateOutput.schema(idType, opts.outputSchema() == null ? null : ParsedColumn.type(opts.outputSchema(), opts.jsonSchema())), (model, progress, tokenCache) -> new GenerateRows(model, gen, progress), recorded, null);
        }
    }

    public static JobSummary run(SparkSession spark, JobArguments args, PrintStream out) {
        return run(spark, Config.from(args), out);
    }

    public static JobSummary run(SparkSession spark, Config c, PrintStream out) {
        return InferenceRun.run(spark, c.spec(), out);
    }
}
