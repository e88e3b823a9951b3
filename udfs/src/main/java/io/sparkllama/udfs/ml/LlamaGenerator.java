package io.sparkllama.udfs.ml;

import io.sparkllama.udfs.DataFrameInference;
import io.sparkllama.udfs.LlamaTask;
import java.util.Map;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** ML pipeline stage: completions of {@code promptCol}, the generate job's sampling params and defaults. */
public final class LlamaGenerator extends LlamaStage {
    private final Param<String> promptCol = new Param<>(this, "promptCol", "the prompt column");
    private final Param<String> settingsCol = new Param<>(this, "settingsCol", "a map<string,string> column of per-row settings; empty for none");
    private final IntParam maxTokens = new IntParam(this, "maxTokens", "tokens to generate at most");
    private final DoubleParam temperature = new DoubleParam(this, "temperature", "sampling temperature; 0 for greedy");
    private final IntParam topK = new IntParam(this, "topK", "top-k sampling; 0 for off");
    private final DoubleParam topP = new DoubleParam(this, "topP", "top-p sampling; 1 for off");
    private final LongParam seed = new LongParam(this, "seed", "sampling seed");

    public LlamaGenerator() {
        this(Identifiable$.MODULE$.randomUID("llamaGenerator"));
    }

    /** For {@link DefaultParamsReader}, which restores the uid. */
    public LlamaGenerator(String uid) {
        super(uid);
        setDefault(promptCol, "prompt");
        setDefault(settingsCol, "");
        setDefault(maxTokens, 128);
        setDefault(temperature, 0.0);
        setDefault(topK, 0);
        setDefault(topP, 1.0);
        setDefault(seed, 42L);
    }

    public static MLReader<LlamaGenerator> read() {
        return new DefaultParamsReader<>();
    }

    public static LlamaGenerator load(String path) {
        return read().load(path);
    }

    public LlamaGenerator setModel(String value) {
        set(model(), value);
        return this;
    }

    public LlamaGenerator setPromptCol(String value) {
        set(promptCol, value);
        return this;
    }

    public LlamaGenerator setSettingsCol(String value) {
        set(settingsCol, value);
        return this;
    }

    public LlamaGenerator setMaxTokens(int value) {
        set(maxTokens, value);
        return this;
    }

    public LlamaGenerator setTemperature(double value) {
        set(temperature, value);
        return this;
    }

    public LlamaGenerator setSeed(long value) {
        set(seed, value);
        return this;
    }

    public LlamaGenerator setOutputPrefix(String value) {
        set(outputPrefix(), value);
        return this;
    }

    public Param<String> promptCol() {
        return promptCol;
    }

    public Param<String> settingsCol() {
        return settingsCol;
    }

    public IntParam maxTokens() {
        return maxTokens;
    }

    public DoubleParam temperature() {
        return temperature;
    }

    public IntParam topK() {
        return topK;
    }

    public DoubleParam topP() {
        return topP;
    }

    public LongParam seed() {
        return seed;
    }

    @Override
    protected LlamaTask task() {
        return LlamaTask.GENERATE;
    }

    @Override
    protected void addOptions(Map<String, String> o) {
        o.put("prompt_col", getOrDefault(promptCol));
        if (!getOrDefault(settingsCol).isEmpty()) {
            o.put("settings_col", getOrDefault(settingsCol));
        }
        o.put("max_tokens", String.valueOf(getOrDefault(maxTokens)));
        o.put("temperature", String.valueOf(getOrDefault(temperature)));
        o.put("top_k", String.valueOf(getOrDefault(topK)));
        o.put("top_p", String.valueOf(getOrDefault(topP)));
        o.put("seed", String.valueOf(getOrDefault(seed)));
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        return DataFrameInference.generate(dataset.toDF(), modelPath(), options());
    }
}
