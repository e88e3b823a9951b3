package io.sparkllama.udfs.batch;

import io.sparkllama.engine.Engine;
import io.sparkllama.engine.model.KvCacheMemory;
import io.sparkllama.engine.model.KvCacheType;
import io.sparkllama.udfs.GenerateOutput;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * What the SQL functions and the DataFrame API compute: the function's name, its text arguments,
 * its result struct, the settings a row may override, and how a task opens it on the engine.
 */
public enum LlamaTask {
    GENERATE("llama_generate", List.of("prompt"), Set.of("max_tokens", "temperature", "top_k", "top_p", "seed", "top_logprobs",
            "json_schema", "choices"),
            fields(field("completion", DataTypes.StringType), field("prompt_tokens", DataTypes.IntegerType),
                    field("token_ids", ints()), field("token_logprobs", floats()), field("finish_reason", DataTypes.StringType),
                    field("error", DataTypes.StringType),
                    field("top_logprobs", DataTypes.createArrayType(DataTypes.createArrayType(GenerateOutput.ALTERNATIVE, false), false)))),
    SCORE("llama_score", List.of("text"), Set.of("stride"),
            fields(field("token_ids", ints()), field("token_logprobs", floats()), field("sum_logprob", DataTypes.DoubleType),
                    field("n_scored", DataTypes.IntegerType), field("mean_nll", DataTypes.DoubleType),
                    field("perplexity", DataTypes.DoubleType), field("error", DataTypes.StringType))),
    LOGLIKELIHOOD("llama_loglikelihood", List.of("context", "continuation"), Set.of(),
            fields(field("sum_logprob", DataTypes.DoubleType), field("is_greedy", DataTypes.BooleanType),
                    field("n_tokens", DataTypes.IntegerType), field("token_ids", ints()), field("token_logprobs", floats()),
                    field("context_tokens", DataTypes.IntegerType), field("truncated_tokens", DataTypes.IntegerType),
                    field("error", DataTypes.StringType)));

    /** Settings that hold for a whole task (session config or the DataFrame API's options), never per row. */
    public static final Set<String> TASK_SETTINGS = Set.of("threads", "batch_size", "context", "activations", "model_transport",
            "kv_cache_memory", "kv_cache_type");

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

    /** Opens this task's inference on an engine, for one Spark task. */
    public BatchInference open(Engine engine, LlamaSettings settings, int threads) {
        return switch (this) {
            case GENERATE -> new GenerateInference(engine, settings, threads);
            case SCORE -> new ScoreInference(engine, settings, threads);
            case LOGLIKELIHOOD -> new LoglikelihoodInference(engine, settings, threads);
        };
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
        s.integer("threads", 0, 0);
        batchSize(s);
        s.integer("context", 0, 0);
        kvCacheMemory(s);
        kvCacheType(s);
        switch (this) {
            case GENERATE -> {
                s.integer("max_tokens", 128, 0);
                s.number("temperature", 0f);
                s.integer("top_k", 0, 0);
                s.number("top_p", 1f);
                s.longValue("seed", 42L);
                GenerateInference.outputOptions(s).constraint(); // an invalid schema fails the query on the driver
            }
            case SCORE -> s.integer("stride", 0, 0);
            case LOGLIKELIHOOD -> { }
        }
    }

    /** Rows pulled together from a partition and handed to the engine at once (as the jobs' {@code batch_size}). */
    public static int batchSize(LlamaSettings settings) {
        return settings.integer("batch_size", 32, 1);
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

    private static DataType floats() {
        return DataTypes.createArrayType(DataTypes.FloatType, false);
    }
}
