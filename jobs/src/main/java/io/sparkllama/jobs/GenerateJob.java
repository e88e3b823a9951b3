package io.sparkllama.jobs;

import io.sparkllama.datasets.RequiredColumns;
import io.sparkllama.engine.error.InvalidRequestException;
import io.sparkllama.engine.generate.GenerationRequest;
import io.sparkllama.engine.generate.LogitBias;
import io.sparkllama.engine.generate.SamplingParams;
import io.sparkllama.udfs.GenerateOptions;
import io.sparkllama.udfs.GenerateSettings;
import io.sparkllama.udfs.LlamaTask;
import io.sparkllama.udfs.OutputOptions;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Completions for a prompt table (columns {@code id} and {@code prompt}, or chat {@code messages};
 * per-row settings in {@link #ROW_SETTINGS}; any others kept), {@code n} output rows per input row,
 * written as Parquet.
 */
public final class GenerateJob {
    static final Set<String> SETTINGS = union(union(CommonSettings.KEYS, Set.of("max_tokens", "temperature", "top_k", "top_p", "seed",
            "min_p", "repetition_penalty", "frequency_penalty", "presence_penalty", "logit_bias", "stop", "n", "template")),
            Config.OUTPUT_SETTINGS);

    /** Per-row settings the job reads where the input has them. */
    static final List<String> ROW_SETTINGS = List.of("max_tokens", "seed", "temperature", "top_k", "top_p", "min_p",
            "repetition_penalty", "frequency_penalty", "presence_penalty", "logit_bias", "stop", "n", "messages", "system", "template",
            "top_logprobs", "json_schema", "choices");

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
            GenerateSettings gen;
            OutputOptions output = outputOptions(s);
            try {
                GenerateOptions options = new GenerateOptions(s.number("min_p", 0f), s.number("repetition_penalty", 1f),
                        s.number("frequency_penalty", 0f), s.number("presence_penalty", 0f),
                        s.values().containsKey("logit_bias") ? GenerateOptions.parseLogitBias(s.string("logit_bias", null)) : Map.of(),
                        s.values().containsKey("stop") ? GenerateOptions.parseStop(s.string("stop", null)) : List.of(),
                        s.integer("n", 1, 1, GenerateOptions.MAX_N),
                        s.values().containsKey("template") ? s.choice("template", "model", GenerateOptions.TEMPLATES.toArray(String[]::new)) : null);
                gen = new GenerateSettings(
                        s.integer("max_tokens", 128, 0), s.number("temperature", 0f), s.integer("top_k", 0, 0),
                        s.number("top_p", 1f), s.longValue("seed", 42L), common.threads(), common.batchSize(), options, output);
                new SamplingParams(gen.temperature(), gen.topK(), gen.topP(), gen.seed(), options.minP(), options.repetitionPenalty(),
                        options.frequencyPenalty(), options.presencePenalty(), LogitBias.of(options.logitBias()));
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
            GenerateOptions options = generation.options();
            return new JobSpec("generate", input, output, common, model, tokenizer, "prompt", List.of("prompt", "system"), ROW_SETTINGS,
                    schema -> checkInput(input, schema), engine -> {
                        try {
                            options.checkAgainst(engine);
                        } catch (InvalidRequestException e) {
                            throw new JobConfigException("generate: " + e.getMessage());
                        }
                    }, LlamaTask.GENERATE, RecordedSettings.options(generation), recorded, null);
        }
    }

    private static void checkInput(String input, StructType schema) {
        RequiredColumns.require(input, schema, "id");
        RequiredColumns.requireSortable(input, schema, "id");
        if (!RequiredColumns.optional(input, schema, "messages", MESSAGES)) {
            RequiredColumns.require(input, schema, "prompt", DataTypes.StringType);
        }
        RequiredColumns.optional(input, schema, "prompt", DataTypes.StringType);
        RequiredColumns.optional(input, schema, "system", DataTypes.StringType);
        RequiredColumns.optional(input, schema, "template", DataTypes.StringType);
        for (String integer : List.of("max_tokens", "seed", "top_k", "n")) {
            RequiredColumns.optionalNumber(input, schema, integer, false);
        }
        for (String number : List.of("temperature", "top_p", "min_p", "repetition_penalty", "frequency_penalty", "presence_penalty")) {
            RequiredColumns.optionalNumber(input, schema, number, true);
        }
        RequiredColumns.optional(input, schema, "stop", DataTypes.StringType, DataTypes.createArrayType(DataTypes.StringType, true),
                DataTypes.createArrayType(DataTypes.StringType, false));
        List<DataType> biasTypes = new ArrayList<>(List.of(DataTypes.StringType));
        for (DataType k : List.of(DataTypes.IntegerType, DataTypes.LongType)) {
            for (DataType v : List.of(DataTypes.DoubleType, DataTypes.FloatType, DataTypes.LongType, DataTypes.IntegerType)) {
                biasTypes.add(DataTypes.createMapType(k, v, true));
                biasTypes.add(DataTypes.createMapType(k, v, false));
            }
        }
        RequiredColumns.optional(input, schema, "logit_bias", biasTypes.toArray(DataType[]::new));
        checkOutputColumns(input, schema);
    }

    /** {@code messages}: an array of structs of string {@code role} and {@code content}, fields in either order (JSON input sorts them). */
    private static final DataType[] MESSAGES = messageTypes();

    private static DataType[] messageTypes() {
        List<DataType> types = new ArrayList<>();
        for (boolean nullable : new boolean[] {true, false}) {
            for (String[] order : new String[][] {{"role", "content"}, {"content", "role"}}) {
                for (boolean fieldsNullable : new boolean[] {true, false}) {
                    StructType struct = new StructType()
                            .add(order[0], DataTypes.StringType, fieldsNullable).add(order[1], DataTypes.StringType, fieldsNullable);
                    types.add(DataTypes.createArrayType(struct, nullable));
                }
            }
        }
        return types.toArray(DataType[]::new);
    }

    /** A row's own top_logprobs, json_schema and choices columns, where the input has them. */
    private static void checkOutputColumns(String input, StructType schema) {
        RequiredColumns.optionalNumber(input, schema, "top_logprobs", false);
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
