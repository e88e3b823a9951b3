package io.sparkllama.udfs;

import io.sparkllama.engine.error.InvalidRequestException;
import io.sparkllama.udfs.batch.DataFrameRows;
import io.sparkllama.udfs.batch.LlamaSettings;
import io.sparkllama.udfs.batch.LlamaTask;
import io.sparkllama.udfs.batch.ModelBroadcasts;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The DataFrame API: {@code generate}, {@code score} and {@code loglikelihood} return their input
 * with every column kept and the result columns appended (the fields of the SQL functions' structs,
 * see {@link LlamaTask}). Options: the input columns ({@code prompt_col}, {@code text_col},
 * {@code context_col}, {@code continuation_col}), {@code settings_col} (a {@code map<string,string>}
 * column of per-row settings), {@code output_prefix}, {@code tokenizer}, and the settings
 * ({@code max_tokens}, {@code temperature}, {@code top_k}, {@code top_p}, {@code seed}, {@code top_logprobs},
 * {@code json_schema}, {@code choices} (a JSON array of strings),
 * {@code stride}, {@code threads}, {@code batch_size}, {@code context}, {@code activations},
 * {@code model_transport}, {@code kv_cache_memory}, {@code kv_cache_type}) with the jobs' defaults.
 */
public final class DataFrameInference {
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
        String name = task.name().toLowerCase(java.util.Locale.ROOT);
        Map<String, String> given = options == null ? Map.of() : options;
        Set<String> known = new HashSet<>(LlamaTask.TASK_SETTINGS);
        known.addAll(task.rowSettings());
        known.addAll(List.of("tokenizer", "output_prefix", "settings_col"));
        task.textArguments().forEach(a -> known.add(a + "_col"));
        for (String key : given.keySet()) {
            if (!known.contains(key)) {
                throw new IllegalArgumentException(name + ": unknown option '" + key + "' (known: " + String.join(", ", new TreeSet<>(known)) + ")");
            }
        }
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException(name + ": no model given: pass a model file or directory");
        }
        LlamaSettings settings = new LlamaSettings(given);
        try {
            task.check(settings);
        } catch (InvalidRequestException e) {
            throw new IllegalArgumentException(name + ": option " + e.getMessage().replaceFirst("^setting ", ""), e);
        }
        StructType schema = df.schema();
        int[] texts = new int[task.textArguments().size()];
        for (int i = 0; i < texts.length; i++) {
            String option = task.textArguments().get(i) + "_col";
            texts[i] = column(name, schema, given.getOrDefault(option, task.textArguments().get(i)), option, true);
        }
        int settingsColumn = given.containsKey("settings_col") ? column(name, schema, given.get("settings_col"), "settings_col", false) : -1;
        String prefix = given.getOrDefault("output_prefix", "");
        StructField[] fields = Arrays.copyOf(schema.fields(), schema.fields().length + task.schema().fields().length);
        int n = schema.fields().length;
        Set<String> taken = new HashSet<>(Arrays.asList(schema.fieldNames()));
        for (StructField f : task.schema().fields()) {
            String out = prefix + f.name();
            if (taken.contains(out)) {
                throw new IllegalArgumentException(name + ": the input already has a column '" + out + "'; set output_prefix (e.g. 'llama_')"
                        + " to name the output columns apart");
            }
            fields[n++] = new StructField(out, f.dataType(), true, f.metadata());
        }
        Broadcast<ModelHandle> handle = ModelBroadcasts.get(df.sparkSession().sparkContext(), model, given.get("tokenizer"), settings);
        return df.mapPartitions(new DataFrameRows(task, texts, settingsColumn, handle, settings), Encoders.row(new StructType(fields)));
    }

    private static int column(String function, StructType schema, String column, String option, boolean text) {
        int i;
        try {
            i = schema.fieldIndex(column);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(function + ": no column '" + column + "' in the input (columns: "
                    + String.join(", ", schema.fieldNames()) + "); name it with the " + option + " option");
        }
        DataType t = schema.fields()[i].dataType();
        boolean ok = text ? t instanceof StringType
                : t instanceof MapType m && m.keyType() instanceof StringType && m.valueType() instanceof StringType;
        if (!ok) {
            throw new IllegalArgumentException(function + ": column '" + column + "' (" + option + ") is " + t.sql() + "; it must be "
                    + (text ? "a string" : "a map<string,string>"));
        }
        return i;
    }
}
