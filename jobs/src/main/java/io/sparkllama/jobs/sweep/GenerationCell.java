package io.sparkllama.jobs.sweep;

import io.sparkllama.datasets.tasks.GenerationDoc;
import io.sparkllama.datasets.tasks.GenerationTask;
import io.sparkllama.datasets.tasks.MeanWithStderr;
import io.sparkllama.datasets.tasks.SampleOrder;
import io.sparkllama.datasets.tasks.TaskOptions;
import io.sparkllama.udfs.DataFrameInference;
import io.sparkllama.udfs.LlamaTask;
import io.sparkllama.udfs.JobProgress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** A generation cell: greedy completions through the generate job's function, cut at stop sequences, exact match. */
public final class GenerationCell {
    static final StructType INPUT = new StructType()
            .add("id", DataTypes.IntegerType, false)
            .add("prompt", DataTypes.StringType, false)
            .add("max_tokens", DataTypes.IntegerType, false);
    static final StructType SAMPLES = new StructType()
            .add("sample", DataTypes.IntegerType, false)
            .add("doc_id", DataTypes.StringType, false)
            .add("prompt", DataTypes.StringType, false)
            .add("answer", DataTypes.StringType, false)
            .add("completion", DataTypes.StringType, true)
            .add("extracted", DataTypes.StringType, true)
            .add("exact_match", DataTypes.DoubleType, false)
            .add("error", DataTypes.StringType, true);

    private GenerationCell() {
    }

    static CellResult run(CellContext cx, Cell cell) {
        long t0 = System.nanoTime();
        List<GenerationDoc> docs = new GenerationTask(cell.task().name(), TaskFileCopy.local(cell.task().path())).read();
        CellSettings s = cell.settings();
        TaskOptions options = new TaskOptions(s.nShot(), s.limit(), s.seed(), s.shuffle());
        int[] selected = SampleOrder.select(docs.size(), options);
        List<Row> prompts = new ArrayList<>();
        for (int i = 0; i < selected.length; i++) {
            GenerationDoc d = docs.get(selected[i]);
            prompts.add(RowFactory.create(i, GenerationTask.prefix(docs, selected[i], options) + d.prompt(), d.maxTokens()));
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(cx.spark().sparkContext());
        JobProgress progress = new JobProgress(jsc.sc().longAccumulator(), jsc.sc().longAccumulator(),
                jsc.sc().longAccumulator(), jsc.sc().longAccumulator());
        // Greedy, each row's own max_tokens, 8 rows generating at once per task.
        Map<String, String> greedy = Map.of("max_tokens", "16", "temperature", "0", "seed", String.valueOf(s.seed()),
                "threads", String.valueOf(cx.threads()), "batch_size", "8", "max_tokens_col", "max_tokens");
        List<Row> out = DataFrameInference.withResults(LlamaTask.GENERATE, cx.spark().createDataFrame(prompts, INPUT)
                .repartition(cx.partitions()), cx.model(), greedy, progress, null).collectAsList();
        double[] em = new double[selected.length];
        List<Row> samples = new ArrayList<>();
        for (Row r : out) {
            int i = r.getAs("id");
            GenerationDoc d = docs.get(selected[i]);
            String completion = r.getAs("completion");
            String extracted = completion == null ? null : d.cut(completion);
            em[i] = completion != null && d.matches(completion) ? 1 : 0;
            samples.add(RowFactory.create(i, d.id(), d.prompt(), d.answer(), completion, extracted, em[i], r.<String>getAs("error")));
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        MeanWithStderr m = MeanWithStderr.of(em);
        metrics.put("exact_match", m.mean());
        metrics.put("exact_match_stderr", m.stderr());
        metrics.put("n_samples", (double) selected.length);
        SampleWriter.write(cx, cell, samples, SAMPLES);
        double wall = (System.nanoTime() - t0) / 1e9;
        long tokens = progress.inputTokens().value() + progress.outputTokens().value();
        return new CellResult(metrics, wall, tokens / wall, tokens);
    }
}
