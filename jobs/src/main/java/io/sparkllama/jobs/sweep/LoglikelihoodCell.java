package io.sparkllama.jobs.sweep;

import io.sparkllama.datasets.tasks.ChoiceRequest;
import io.sparkllama.datasets.tasks.ChoiceScore;
import io.sparkllama.datasets.tasks.DocOutcome;
import io.sparkllama.datasets.tasks.FewShot;
import io.sparkllama.datasets.tasks.LoglikelihoodTask;
import io.sparkllama.datasets.tasks.SampleOrder;
import io.sparkllama.datasets.tasks.TaskCatalog;
import io.sparkllama.datasets.tasks.TaskDoc;
import io.sparkllama.datasets.tasks.TaskMetrics;
import io.sparkllama.datasets.tasks.TaskOptions;
import io.sparkllama.udfs.JobProgress;
import io.sparkllama.udfs.DataFrameInference;
import io.sparkllama.udfs.LlamaTask;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A multiple-choice or target task cell: items become loglikelihood requests on the driver,
 * executors score them with the loglikelihood job's function (packed steps, shared prefixes), the
 * driver picks answers and computes lm-eval's metrics.
 */
public final class LoglikelihoodCell {
    static final StructType SAMPLES = new StructType()
            .add("sample", DataTypes.IntegerType, false)
            .add("doc_index", DataTypes.IntegerType, false)
            .add("doc_id", DataTypes.StringType, false)
            .add("gold", DataTypes.IntegerType, false)
            .add("predicted", DataTypes.IntegerType, true)
            .add("predicted_norm", DataTypes.IntegerType, true)
            .add("acc", DataTypes.DoubleType, true)
            .add("acc_norm", DataTypes.DoubleType, true)
            .add("acc_bytes", DataTypes.DoubleType, true)
            .add("logprobs", DataTypes.createArrayType(DataTypes.DoubleType, true), true)
            .add("is_greedy", DataTypes.createArrayType(DataTypes.BooleanType, true), true)
            .add("n_tokens", DataTypes.createArrayType(DataTypes.IntegerType, true), true)
            .add("error", DataTypes.StringType, true);

    static final StructType INPUT = new StructType()
            .add("id", DataTypes.IntegerType, false)
            .add("context", DataTypes.StringType, false)
            .add("continuation", DataTypes.StringType, false);
    /** Requests handed to the engine together: many items, so steps fill and choices meet their shared context. */
    private static final int BATCH_ROWS = 512;

    private LoglikelihoodCell() {
    }

    static CellResult run(CellContext cx, Cell cell) {
        long t0 = System.nanoTime();
        LoglikelihoodTask task = TaskCatalog.loglikelihood(cell.task().name(), TaskFileCopy.local(cell.task().path()));
        List<TaskDoc> docs = task.read();
        CellSettings s = cell.settings();
        TaskOptions options = new TaskOptions(s.nShot(), s.limit(), s.seed(), s.shuffle());
        int[] selected = SampleOrder.select(docs.size(), options);
        // Requests in item order: an item's choices sit together, and contiguous slices (not a
        // round-robin shuffle) keep them in one partition, where they share their context's KV.
        List<Row> requests = new ArrayList<>();
        List<int[]> keys = new ArrayList<>();
        for (int i = 0; i < selected.length; i++) {
            String prefix = FewShot.prefix(docs, selected[i], options);
            List<ChoiceRequest> choices = docs.get(selected[i]).choices();
            for (int c = 0; c < choices.size(); c++) {
                requests.add(RowFactory.create(keys.size(), prefix + choices.get(c).context(), choices.get(c).continuation()));
                keys.add(new int[] {i, c});
            }
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(cx.spark().sparkContext());
        JobProgress progress = new JobProgress(jsc.sc().longAccumulator(), jsc.sc().longAccumulator(), jsc.sc().longAccumulator(),
                jsc.sc().longAccumulator(), jsc.sc().longAccumulator(), jsc.sc().longAccumulator());
        Map<String, String> settings = Map.of("threads", String.valueOf(cx.threads()), "batch_size", String.valueOf(BATCH_ROWS));
        List<Row> scored = DataFrameInference.withResults(LlamaTask.LOGLIKELIHOOD, cx.spark().createDataFrame(
                jsc.parallelize(requests, Math.max(1, cx.partitions())), INPUT), cx.model(), settings, progress, null).collectAsList();
        Row[][] bySample = new Row[selected.length][];
        for (int i = 0; i < selected.length; i++) {
            bySample[i] = new Row[docs.get(selected[i]).choices().size()];
        }
        for (Row r : scored) {
            int[] key = keys.get(r.getInt(r.fieldIndex("id")));
            bySample[key[0]][key[1]] = r;
        }
        List<DocOutcome> outcomes = new ArrayList<>();
        List<Row> samples = new ArrayList<>();
        long tokens = 0;
        for (int i = 0; i < selected.length; i++) {
            TaskDoc doc = docs.get(selected[i]);
            String error = Arrays.stream(bySample[i]).map(r -> r.<String>getAs("error")).filter(e -> e != null).findFirst().orElse(null);
            List<ChoiceScore> scores = new ArrayList<>();
            Double[] lps = new Double[doc.choices().size()];
            Boolean[] greedy = new Boolean[lps.length];
            Integer[] ntok = new Integer[lps.length];
            for (int c = 0; c < lps.length; c++) {
                Row r = bySample[i][c];
                if (r.getAs("error") == null) {
                    lps[c] = r.getAs("sum_logprob");
                    greedy[c] = r.getAs("is_greedy");
                    ntok[c] = r.getAs("n_tokens");
                    tokens += ntok[c] + r.<Integer>getAs("context_tokens");
                    scores.add(new ChoiceScore(lps[c], greedy[c], ntok[c]));
                }
            }
            if (error != null) {
                // An item with an unscorable choice counts as wrong, as a missing answer would.
                samples.add(RowFactory.create(i, selected[i], doc.id(), doc.gold(), null, null, 0.0, 0.0, 0.0, lps, greedy, ntok, error));
                outcomes.add(null);
                continue;
            }
            DocOutcome o = new DocOutcome(doc, scores);
            outcomes.add(o);
            samples.add(RowFactory.create(i, selected[i], doc.id(), doc.gold(), o.predicted(), o.predictedNorm(), o.acc(), o.accNorm(),
                    o.accBytes(), lps, greedy, ntok, null));
        }
        List<DocOutcome> ok = outcomes.stream().filter(o -> o != null).toList();
        var metrics = TaskMetrics.compute(task.metricKind(), ok);
        metrics.put("n_errors", (double) (outcomes.size() - ok.size()));
        SampleWriter.write(cx, cell, samples, SAMPLES);
        double wall = (System.nanoTime() - t0) / 1e9;
        return new CellResult(metrics, wall, tokens / wall, tokens, progress.positionsRequested().value(),
                progress.positionsComputed().value());
    }
}
