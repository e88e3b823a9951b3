package io.sparkllama.udfs.ml;

import io.sparkllama.udfs.DataFrameInference;
import io.sparkllama.udfs.LlamaTask;
import java.util.Map;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** ML pipeline stage: per-token logprobs and perplexity of {@code textCol}, as the score job computes them. */
public final class LlamaScorer extends LlamaStage {
    private final Param<String> textCol = new Param<>(this, "textCol", "the text column");
    private final IntParam stride = new IntParam(this, "stride", "rolling-window stride for texts over the context; 0 for half the context");

    public LlamaScorer() {
        this(Identifiable$.MODULE$.randomUID("llamaScorer"));
    }

    /** For {@link DefaultParamsReader}, which restores the uid. */
    public LlamaScorer(String uid) {
        super(uid);
        setDefault(textCol, "text");
        setDefault(stride, 0);
    }

    public static MLReader<LlamaScorer> read() {
        return new DefaultParamsReader<>();
    }

    public static LlamaScorer load(String path) {
        return read().load(path);
    }

    public LlamaScorer setModel(String value) {
        set(model(), value);
        return this;
    }

    public LlamaScorer setTextCol(String value) {
        set(textCol, value);
        return this;
    }

    public LlamaScorer setOutputPrefix(String value) {
        set(outputPrefix(), value);
        return this;
    }

    public Param<String> textCol() {
        return textCol;
    }

    public IntParam stride() {
        return stride;
    }

    @Override
    protected LlamaTask task() {
        return LlamaTask.SCORE;
    }

    @Override
    protected void addOptions(Map<String, String> o) {
        o.put("text_col", getOrDefault(textCol));
        o.put("stride", String.valueOf(getOrDefault(stride)));
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        return DataFrameInference.score(dataset.toDF(), modelPath(), options());
    }
}
