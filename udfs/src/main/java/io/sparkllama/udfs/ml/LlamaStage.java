package io.sparkllama.udfs.ml;

import io.sparkllama.udfs.LlamaTask;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * What the ML pipeline stages share: the model, tokenizer, output prefix and engine params, saved
 * and loaded with the stage ({@link DefaultParamsWritable}); {@code transform} is the DataFrame API.
 */
public abstract class LlamaStage extends Transformer implements DefaultParamsWritable {
    private final String uid;
    private final Param<String> model;
    private final Param<String> tokenizer;
    private final Param<String> outputPrefix;
    private final IntParam batchSize;
    private final IntParam threads;
    private final IntParam context;

    protected LlamaStage(String uid) {
        this.uid = uid; // before the params: each records its parent's uid
        model = new Param<>(this, "model", "the model: a file or directory, local path or Hadoop URI");
        tokenizer = new Param<>(this, "tokenizer", "a tokenizer file where the model has none; empty for the model's own");
        outputPrefix = new Param<>(this, "outputPrefix", "prefix of the appended result columns");
        batchSize = new IntParam(this, "batchSize", "rows handed to the engine together");
        threads = new IntParam(this, "threads", "engine threads per Spark task; 0 for the task's cores");
        context = new IntParam(this, "context", "cap on the context; 0 for the model's");
        setDefault(tokenizer, "");
        setDefault(outputPrefix, "");
        setDefault(batchSize, 32);
        setDefault(threads, 0);
        setDefault(context, 0);
    }

    /** What this stage computes. */
    protected abstract LlamaTask task();

    /** The task's own options (column names, sampling), as the DataFrame API names them. */
    protected abstract void addOptions(Map<String, String> options);

    public Param<String> model() {
        return model;
    }

    public Param<String> tokenizer() {
        return tokenizer;
    }

    public Param<String> outputPrefix() {
        return outputPrefix;
    }

    public IntParam batchSize() {
        return batchSize;
    }

    public IntParam threads() {
        return threads;
    }

    public IntParam context() {
        return context;
    }

    /** The options {@link io.sparkllama.udfs.DataFrameInference} takes, from this stage's params. */
    public Map<String, String> options() {
        Map<String, String> o = new HashMap<>();
        if (!getOrDefault(tokenizer).isEmpty()) {
            o.put("tokenizer", getOrDefault(tokenizer));
        }
        o.put("output_prefix", getOrDefault(outputPrefix));
        o.put("batch_size", String.valueOf(getOrDefault(batchSize)));
        o.put("threads", String.valueOf(getOrDefault(threads)));
        o.put("context", String.valueOf(getOrDefault(context)));
        addOptions(o);
        return o;
    }

    /** The model param's value; a stage without one fails with the param's name. */
    protected String modelPath() {
        if (!isDefined(model)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": set the model param (setModel) to a model file or directory");
        }
        return getOrDefault(model);
    }

    @Override
    public StructType transformSchema(StructType schema) {
        StructField[] fields = Arrays.copyOf(schema.fields(), schema.fields().length + task().schema().fields().length);
        int n = schema.fields().length;
        for (StructField f : task().schema().fields()) {
            fields[n++] = new StructField(getOrDefault(outputPrefix) + f.name(), f.dataType(), true, f.metadata());
        }
        return new StructType(fields);
    }

    @Override
    public Transformer copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    @Override
    public String uid() {
        return uid;
    }
}
