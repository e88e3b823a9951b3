package io.sparkllama.udfs;

import io.sparkllama.engine.error.InvalidRequestException;
import io.sparkllama.udfs.tokencache.TokenCache;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The DataFrame API: {@code generate}, {@code score} and {@code loglikelihood} return their input
 * with every column kept and the result columns appended (the fields of the SQL functions' structs,
 * see {@link LlamaTask}), computed by the jobs' row functions ({@link GenerateRows} streaming,
 * {@link ScoreRows} and {@link LoglikelihoodRows} packed with the prefix cache). Options: the input
 * columns ({@code prompt_col}, {@code text_col}, {@code context_col}, {@code continuation_col}),
 * {@code settings_col} (a {@code map<string,string>} column of per-row settings), per-row setting
 * columns for generate ({@code <setting>_col} for each of {@link #GENERATE_COLUMNS}; {@code choices_col}
 * an array of strings), {@code output_prefix}, {@code tokenizer}, and the settings ({@code max_tokens}, {@code temperature},
 * {@code top_k}, {@code top_p}, {@code seed}, {@code min_p}, the penalties, {@code logit_bias} and
 * {@code stop} (JSON text), {@code n} and {@code template} (generate), {@code top_logprobs}, {@code json_schema},
 * {@code choices} (a JSON array of strings), {@code output_schema} (adds the {@code parsed} struct column,
 * see docs/structured-output.md), {@code stride}, {@code threads}, {@code batch_size},
 * {@code step_tokens}, {@code prefix_cache}, {@code context}, {@code activations},
 * {@code model_transport}, {@code kv_cache_memory}, {@code kv_cache_type}) with the jobs' defaults.
 * With samples (option {@code n} over 1, or an {@code n_col}) each input row comes once per sample,
 * and {@code sample_index} is the first result column.
 */
public final class DataFrameInference {
    /** Generate's per-row setting columns (option {@code <name>_col}) and what each must hold. */
    private static final Map<String, Kind> GENERATE_COLUMNS = generateColumns();

    private DataFrameInference() {
    }

    /** Completions of {@code prompt_col} (default {@code prompt}). */
    public static Dataset<Row> generate(Dataset<Row> df, String model, Map<String, String> options) {
        return run(LlamaTask.GENERATE, df, model, options);
    }

    /** Per-token logprobs and perplexity of {@code text_col} (default {@code text}). */
    public static Dataset<Row> score(Dataset<Row> df, String model, Map<String, String> options) {
        return run(LlamaTask.SCORE, df, model, options);
    }

    /** log P(continuation | context) of {@code context_col} and {@code continuation_col}. */
    public static Dataset<Row> loglikelihood(Dataset<Row> df, String model, Map<String, String> options) {
        return run(LlamaTask.LOGLIKELIHOOD, df, model, options);
    }

    private static Dataset<Row> run(LlamaTask task, Dataset<Row> df, String model, Map<String, String> options) {
        String name = name(task);
        Map<String, String> given = options == null ? Map.of() : options;
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException(name + ": no model given: pass a model file or directory");
        }
        LlamaSettings settings = checked(task, given);
        Broadcast<ModelHandle> handle = ModelBroadcasts.get(df.sparkSession().sparkContext(), model, given.get("tokenizer"), settings);
        return withResults(task, df, handle, given, JobProgress.none(), null);
    }

    /**
     * {@code task} over {@code df} with a model the caller resolved and broadcast (its context,
     * activations, transport and KV budget are the handle's; those options are not read here),
     * counting into {@code progress}; the jobs call this.
     *
     * @param options    as for {@link #generate}, plus {@code id_col} (the token cache's key)
     * @param tokenCache the score job's token cache, or null
     */
    public static Dataset<Row> withResults(LlamaTask task, Dataset<Row> df, Broadcast<ModelHandle> model, Map<String, String> options,
                                           JobProgress progress, TokenCache tokenCache) {
        String name = name(task);
        Map<String, String> given = options == null ? Map.of() : options;
        LlamaSettings settings = checked(task, given);
        StructType schema = df.schema();
        int[] texts = new int[task.textArguments().size()];
        for (int i = 0; i < texts.length; i++) {
            String option = task.textArguments().get(i) + "_col";
            String column = given.getOrDefault(option, task.textArguments().get(i));
            // A chat input (messages_col) may have no prompt column.
            boolean optionalText = task == LlamaTask.GENERATE && given.containsKey("messages_col") && !given.containsKey(option);
            texts[i] = optionalText && !Arrays.asList(schema.fieldNames()).contains(column) ? -1
                    : column(name, schema, column, option, Kind.TEXT);
        }
        Map<String, Integer> rowColumns = new HashMap<>();
        if (task == LlamaTask.GENERATE) {
            GENERATE_COLUMNS.forEach((setting, kind) -> {
                int c = optional(name, schema, given, setting + "_col", kind);
                if (c >= 0) {
                    rowColumns.put(setting, c);
                }
            });
        }
        SampleRows.Count samples = null;
        List<StructField> results = new ArrayList<>(Arrays.asList(resultSchema(task, settings).fields()));
        if (task == LlamaTask.GENERATE) {
            GenerateOptions generate = LlamaTask.generateSettings(settings).options();
            try {
                generate.checkAgainst(ExecutorModels.engine(model.value()));
            } catch (InvalidRequestException e) {
                throw new IllegalArgumentException(name + ": option " + e.getMessage(), e);
            }
            // Samples: each row once per sample, with its index appended after the input's columns.
            if (rowColumns.containsKey("n") || generate.n() > 1) {
                samples = new SampleRows.Count(rowColumns.getOrDefault("n", -1), generate.n());
                rowColumns.put(SampleRows.SAMPLE_INDEX, schema.fields().length);
                results.add(0, new StructField(SampleRows.SAMPLE_INDEX, DataTypes.IntegerType, true, Metadata.empty()));
            }
        }
        int topLogprobsColumn = rowColumns.getOrDefault("top_logprobs", -1);
        InputColumns columns = new InputColumns(texts, optional(name, schema, given, "settings_col", Kind.SETTINGS),
                optional(name, schema, given, "id_col", Kind.ANY), rowColumns);
        String prefix = given.getOrDefault("output_prefix", "");
        StructField[] fields = Arrays.copyOf(schema.fields(), schema.fields().length + results.size());
        int n = schema.fields().length;
        Set<String> taken = new HashSet<>(Arrays.asList(schema.fieldNames()));
        // A row's own top_logprobs column (a number) gives way to the result of that name.
        String replaced = replacedSettingColumn(schema, topLogprobsColumn, prefix, results);
        if (replaced != null) {
            fields[topLogprobsColumn] = new StructField(REPLACED_PREFIX + replaced, fields[topLogprobsColumn].dataType(), true,
                    fields[topLogprobsColumn].metadata());
            taken.remove(replaced);
        }
        for (StructField f : results) {
            String out = prefix + f.name();
            if (taken.contains(out)) {
                throw new IllegalArgumentException(name + ": the input already has a column '" + out + "'; set output_prefix (e.g. 'llama_')"
                        + " to name the output columns apart");
            }
            fields[n++] = new StructField(out, f.dataType(), true, f.metadata());
        }
        AppendResults f = new AppendResults(task.rows(model, settings, columns, progress, tokenCache), samples);
        Dataset<Row> out = df.mapPartitions(f, Encoders.row(new StructType(fields)));
        return replaced == null ? out : out.drop(REPLACED_PREFIX + replaced);
    }

    /** The name a replaced setting column has until it is dropped. */
    private static final String REPLACED_PREFIX = "__spark_llama_setting_";

    /**
     * The name of the row's own setting column at {@code column} when a result column of the same
     * name replaces it in the output (generate's {@code top_logprobs}), or null.
     */
    private static String replacedSettingColumn(StructType schema, int column, String prefix, List<StructField> results) {
        if (column < 0) {
            return null;
        }
        String name = schema.fields()[column].name();
        List<String> resultNames = new ArrayList<>();
        for (StructField f : results) {
            resultNames.add(f.name());
        }
        return resultNames.contains(name.substring(Math.min(prefix.length(), name.length())))
                && name.startsWith(prefix) ? name : null;
    }

    /** The result columns, with {@code parsed} where {@code output_schema} is set (a bad one names the option). */
    private static StructType resultSchema(LlamaTask task, LlamaSettings settings) {
        try {
            return task.schema(settings);
        } catch (InvalidRequestException e) {
            throw new IllegalArgumentException(name(task) + ": option " + e.getMessage(), e);
        }
    }

    /** The options as settings, every key known and every value parsed (a bad one names its option). */
    private static LlamaSettings checked(LlamaTask task, Map<String, String> given) {
        String name = name(task);
        Set<String> known = new HashSet<>(task.taskSettings());
        known.addAll(task.rowSettings());
        known.addAll(List.of("tokenizer", "output_prefix", "settings_col", "id_col"));
        task.textArguments().forEach(a -> known.add(a + "_col"));
        if (task == LlamaTask.GENERATE) {
            GENERATE_COLUMNS.keySet().forEach(c -> known.add(c + "_col"));
            known.addAll(LlamaTask.GENERATE_FRAME_OPTIONS);
        }
        for (String key : given.keySet()) {
            if (!known.contains(key)) {
                throw new IllegalArgumentException(name + ": unknown option '" + key + "' (known: " + String.join(", ", new TreeSet<>(known)) + ")");
            }
        }
        LlamaSettings settings = new LlamaSettings(given);
        try {
            task.check(settings);
        } catch (InvalidRequestException e) {
            throw new IllegalArgumentException(name + ": option " + e.getMessage().replaceFirst("^setting ", ""), e);
        }
        return settings;
    }

    private static String name(LlamaTask task) {
        return task.name().toLowerCase(Locale.ROOT);
    }

    private enum Kind { TEXT, NUMBER, SETTINGS, STRINGS, ANY }

    private static Map<String, Kind> generateColumns() {
        Map<String, Kind> m = new LinkedHashMap<>();
        for (String number : List.of("max_tokens", "temperature", "seed", "top_k", "top_p", "min_p", "repetition_penalty",
                "frequency_penalty", "presence_penalty", "n")) {
            m.put(number, Kind.NUMBER);
        }
        m.put("system", Kind.TEXT);
        m.put("template", Kind.TEXT);
        // A row's own output settings: top_logprobs a number, json_schema a string, choices an array of strings.
        m.put("top_logprobs", Kind.NUMBER);
        m.put("json_schema", Kind.TEXT);
        m.put("choices", Kind.STRINGS);
        // JSON text or a map / array column; messages an array of role/content structs (RowRequests reads them).
        m.put("logit_bias", Kind.ANY);
        m.put("stop", Kind.ANY);
        m.put("messages", Kind.ANY);
        return Map.copyOf(m);
    }

    private static int optional(String function, StructType schema, Map<String, String> given, String option, Kind kind) {
        return given.containsKey(option) ? column(function, schema, given.get(option), option, kind) : -1;
    }

    private static int column(String function, StructType schema, String column, String option, Kind kind) {
        int i;
        try {
            i = schema.fieldIndex(column);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(function + ": no column '" + column + "' in the input (columns: "
                    + String.join(", ", schema.fieldNames()) + "); name it with the " + option + " option");
        }
        DataType t = schema.fields()[i].dataType();
        boolean ok = switch (kind) {
            case TEXT -> t instanceof StringType;
            case NUMBER -> t instanceof NumericType || t instanceof StringType; // a CSV's numbers are strings
            case SETTINGS -> t instanceof MapType m && m.keyType() instanceof StringType && m.valueType() instanceof StringType;
            case STRINGS -> t instanceof ArrayType a && a.elementType() instanceof StringType;
            case ANY -> true;
        };
        if (!ok) {
            throw new IllegalArgumentException(function + ": column '" + column + "' (" + option + ") is " + t.sql() + "; it must be "
                    + switch (kind) {
                        case TEXT -> "a string";
                        case NUMBER -> "a number (or a string holding one)";
                        case STRINGS -> "an array<string>";
                        default -> "a map<string,string>";
                    });
        }
        return i;
    }
}
