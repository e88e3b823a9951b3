package io.sparkllama.udfs;

import io.sparkllama.engine.error.InvalidRequestException;
import io.sparkllama.engine.generate.LogitBias;
import io.sparkllama.engine.generate.GenerationRequest;
import io.sparkllama.engine.generate.SamplingParams;
import io.sparkllama.engine.score.PackedScorer;
import io.sparkllama.engine.settings.KvCacheMemory;
import io.sparkllama.engine.settings.KvCacheType;
import io.sparkllama.udfs.tokencache.TokenCache;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * What the SQL functions and the DataFrame API compute: the function's name, its text arguments,
 * its result struct, the settings a row may override, and its row function with the jobs' defaults.
 */
public enum LlamaTask {
    GENERATE("llama_generate", List.of("prompt"), Set.of("max_tokens", "temperature", "top_k", "top_p", "seed", "min_p",
            "repetition_penalty", "frequency_penalty", "presence_penalty", "logit_bias", "stop", "top_logprobs", "json_schema", "choices"),
            fields(field("completion", DataTypes.StringType), field("prompt_tokens", DataTypes.IntegerType),
                    field("token_ids", ints()), field("token_logprobs", floats()), field("finish_reason", DataTypes.StringType),
                    field("error", DataTypes.StringType), field("top_logprobs", alternatives()))),
    SCORE("llama_score", List.of("text"), Set.of("stride"),
            fields(field("token_ids", ints()), field("token_logprobs", floats()), field("sum_logprob", DataTypes.DoubleType),
                    field("n_scored", DataTypes.IntegerType), field("mean_nll", DataTypes.DoubleType),
                    field("perplexity", DataTypes.DoubleType), field("error", DataTypes.StringType), field("top_logprobs", alternatives()))),
    LOGLIKELIHOOD("llama_loglikelihood", List.of("context", "continuation"), Set.of(),
            fields(field("sum_logprob", DataTypes.DoubleType), field("is_greedy", DataTypes.BooleanType),
                    field("n_tokens", DataTypes.IntegerType), field("token_ids", ints()), field("token_logprobs", floats()),
                    field("context_tokens", DataTypes.IntegerType), field("truncated_tokens", DataTypes.IntegerType),
                    field("error", DataTypes.StringType)));

    /** Settings that hold for a whole task (session config or the DataFrame API's options), never per row. */
    public static final Set<String> TASK_SETTINGS = Set.of("threads", "batch_size", "context", "activations", "model_transport",
            "kv_cache_memory", "kv_cache_type");
    /**
     * Generate's options beyond the row settings: {@code n} samples per row (in the DataFrame API
     * each a row of its own, {@link SampleRows}; in SQL gathered in one struct,
     * {@code sql.GeneratePartitionFunction}) and the chat {@code template}.
     */
    public static final Set<String> GENERATE_FRAME_OPTIONS = Set.of("n", "template");
    /** Task-wide settings of the scoring tasks: tokens per packed step, prefix sharing. */
    public static final Set<String> PACKING_SETTINGS = Set.of("step_tokens", "prefix_cache");

    private final String functionName;
    private final List<String> textArguments;
    private final Set<String> rowSettings;
    private final StructType schema;

    LlamaTask(String functionName, List<String> textArguments, Set<String> rowSettings, StructType schema) {
        this.functionName = functionName;
        this.textArguments = textArguments;
        this.rowSettings = rowSettings;
        this.schema = schema;
    }

    /** The SQL function's name, also the prefix of its error messages. */
    public String functionName() {
        return functionName;
    }

    /** The names of the text arguments, in order (a settings map may follow them). */
    public List<String> textArguments() {
        return textArguments;
    }

    /** The keys a row's settings map may hold. */
    public Set<String> rowSettings() {
        return rowSettings;
    }

    /** The result: a struct per row, every field nullable. */
    public StructType schema() {
        return schema;
    }

    /**
     * This task's row function (one result row of {@link #schema()} per input row, in order) with
     * the jobs' defaults for every setting not in {@code settings}.
     *
     * @param tokenCache the token cache (score only), or null
     */
    public MapPartitionsFunction<Row, Row> rows(Broadcast<ModelHandle> model, LlamaSettings settings, InputColumns columns,
                                                JobProgress progress, TokenCache tokenCache) {
        return switch (this) {
            case GENERATE -> new GenerateRows(model, generateSettings(settings), columns, progress);
            case SCORE -> new ScoreRows(model, scoreSettings(settings), columns, progress, tokenCache);
            case LOGLIKELIHOOD -> new LoglikelihoodRows(model, loglikelihoodSettings(settings), columns, progress);
        };
    }

    /** The task-wide settings this task takes (the DataFrame API's options, the session's {@code spark.llama.*}). */
    public Set<String> taskSettings() {
        Set<String> s = new java.util.HashSet<>(TASK_SETTINGS);
        if (this != GENERATE) {
            s.addAll(PACKING_SETTINGS);
        }
        s.addAll(outputTaskSettings());
        return Set.copyOf(s);
    }

    /** Task-wide output settings: the parsed struct ({@code output_schema}) of generate, {@code top_logprobs} of score. */
    private Set<String> outputTaskSettings() {
        return switch (this) {
            case GENERATE -> Set.of(OUTPUT_SCHEMA);
            case SCORE -> Set.of("top_logprobs");
            case LOGLIKELIHOOD -> Set.of();
        };
    }

    /** The DataFrame API's and the generate job's setting for the {@code parsed} column; the SQL functions have none. */
    public static final String OUTPUT_SCHEMA = "output_schema";

    /**
     * The result with these settings: {@link #schema()}, plus for generate with {@code output_schema}
     * the {@code parsed} struct column of the constrained JSON.
     */
    public StructType schema(LlamaSettings s) {
        if (this != GENERATE) {
            return schema;
        }
        StructType parsed = generateSettings(s).output().parsedType();
        return parsed == null ? schema : schema.add(field(ParsedColumn.NAME, parsed));
    }

    /**
     * Generation defaults: max_tokens 128, greedy (temperature 0, top_k 0, top_p 1), seed 42,
     * batch_size 32, and {@link GenerateOptions#DEFAULTS} ({@code logit_bias} and {@code stop} as
     * JSON text; {@code n} and {@code template} are the DataFrame API's, see {@link #GENERATE_FRAME_OPTIONS}).
     */
    public static GenerateSettings generateSettings(LlamaSettings s) {
        String bias = s.string("logit_bias", null);
        String stop = s.string("stop", null);
        GenerateOptions options = new GenerateOptions(s.number("min_p", 0f), s.number("repetition_penalty", 1f),
                s.number("frequency_penalty", 0f), s.number("presence_penalty", 0f),
                bias == null ? Map.of() : GenerateOptions.parseLogitBias(bias), stop == null ? List.of() : GenerateOptions.parseStop(stop),
                GenerateOptions.checkN(s.integer("n", 1, 1)), GenerateOptions.checkTemplate(s.string("template", null)));
        GenerateSettings g = new GenerateSettings(s.integer("max_tokens", 128, 0), s.number("temperature", 0f), s.integer("top_k", 0, 0),
                s.number("top_p", 1f), s.longValue("seed", 42L), threads(s), s.integer("batch_size", 32, 1), options, outputOptions(s));
        // A bad combination fails here, not per row.
        new SamplingParams(g.temperature(), g.topK(), g.topP(), g.seed(), options.minP(), options.repetitionPenalty(),
                options.frequencyPenalty(), options.presencePenalty(), LogitBias.of(options.logitBias()));
        return g;
    }

    /** top_logprobs (default 0), json_schema or choices (a JSON array of strings), output_schema: checked, the schema compiled. */
    static OutputOptions outputOptions(LlamaSettings s) {
        String choices = s.string("choices", null);
        OutputOptions o = new OutputOptions(s.integer("top_logprobs", 0, 0), s.string("json_schema", null),
                choices == null ? null : OutputOptions.parseChoices(choices), s.string(OUTPUT_SCHEMA, null));
        o.format(); // an invalid schema fails on the driver, naming the setting
        o.parsedType();
        return o;
    }

    /** Scoring defaults: stride half the context, batch_size {@link PackingSettings#DEFAULT_BATCH_ROWS}, packed, no top_logprobs. */
    public static ScoreSettings scoreSettings(LlamaSettings s) {
        int top = s.integer("top_logprobs", 0, 0);
        if (top > GenerationRequest.MAX_TOP_LOGPROBS) {
            throw new InvalidRequestException("setting top_logprobs must be 0 to " + GenerationRequest.MAX_TOP_LOGPROBS + ", got " + top);
        }
        return new ScoreSettings(threads(s), s.integer("stride", 0, 0), packedBatchSize(s), packing(s), top);
    }

    /** Loglikelihood defaults: batch_size {@link PackingSettings#DEFAULT_BATCH_ROWS}, packed. */
    public static LoglikelihoodSettings loglikelihoodSettings(LlamaSettings s) {
        return new LoglikelihoodSettings(threads(s), packedBatchSize(s), packing(s));
    }

    private static int threads(LlamaSettings s) {
        return s.integer("threads", TaskThreads.TASK_CPUS, 0);
    }

    private static int packedBatchSize(LlamaSettings s) {
        return s.integer("batch_size", PackingSettings.DEFAULT_BATCH_ROWS, 1);
    }

    private static PackingSettings packing(LlamaSettings s) {
        int step = s.integer("step_tokens", PackedScorer.DEFAULT_STEP_TOKENS, 1);
        if (step > PackedScorer.MAX_STEP_TOKENS) {
            throw new InvalidRequestException("setting step_tokens must be <= " + PackedScorer.MAX_STEP_TOKENS + ", got " + step);
        }
        String cache = s.string("prefix_cache", "true");
        if (!cache.equals("true") && !cache.equals("false")) {
            throw new InvalidRequestException("setting prefix_cache must be true or false, got '" + cache + "'");
        }
        return new PackingSettings(step, Boolean.parseBoolean(cache));
    }

    /** {@code kv_cache_memory}: an executor's KV budget (a size such as 512m or 4g); 0 when unset. */
    public static long kvCacheMemory(LlamaSettings settings) {
        String v = settings.string("kv_cache_memory", null);
        try {
            return v == null || v.equals("default") ? 0 : KvCacheMemory.parse(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("setting kv_cache_memory must be a size such as 512m or 4g, got '" + v + "'");
        }
    }

    /** {@code kv_cache_type}: f32 (default), f16 or bf16. */
    public static KvCacheType kvCacheType(LlamaSettings settings) {
        return KvCacheType.parse(settings.string("kv_cache_type", "f32"), "setting kv_cache_type");
    }

    /**
     * Parses every setting this task reads, so that a bad session or option value fails the query
     * on the driver with the key's name instead of failing each task.
     */
    public void check(LlamaSettings s) {
        s.integer("context", 0, 0);
        kvCacheMemory(s);
        kvCacheType(s);
        switch (this) {
            case GENERATE -> generateSettings(s);
            case SCORE -> scoreSettings(s);
            case LOGLIKELIHOOD -> loglikelihoodSettings(s);
        }
    }

    private static StructType fields(StructField... f) {
        return new StructType(f);
    }

    private static StructField field(String name, DataType type) {
        return new StructField(name, type, true, Metadata.empty());
    }

    private static DataType ints() {
        return DataTypes.createArrayType(DataTypes.IntegerType, false);
    }

    /** {@code top_logprobs}: per token, its alternatives, most likely first. */
    private static DataType alternatives() {
        return DataTypes.createArrayType(DataTypes.createArrayType(SparkValues.ALTERNATIVE, false), false);
    }

    private static DataType floats() {
        return DataTypes.createArrayType(DataTypes.FloatType, false);
    }
}
