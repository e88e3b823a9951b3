package io.sparkllama.udfs;

import io.sparkllama.engine.Engine;
import io.sparkllama.engine.error.InvalidRequestException;
import io.sparkllama.engine.score.Loglikelihood;
import io.sparkllama.engine.score.LoglikelihoodResult;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The loglikelihood job's {@code mapPartitions} function: log P(continuation | context) per row
 * with lm-evaluation-harness semantics ({@link Loglikelihood}), one output row per input row, in
 * order. A null context or an empty continuation gives an {@code error} row.
 */
public final class LoglikelihoodRows implements MapPartitionsFunction<Row, Row> {
    private final Broadcast<ModelHandle> model;
    private final LoglikelihoodSettings settings;
    private final JobProgress progress;

    public LoglikelihoodRows(Broadcast<ModelHandle> model, LoglikelihoodSettings settings, JobProgress progress) {
        this.model = model;
        this.settings = settings;
        this.progress = progress;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        Engine engine = ExecutorModels.engine(model.value());
        Loglikelihood ll = TaskScope.closeAtTaskEnd(
                TaskKvCache.loglikelihood(engine, TaskThreads.resolve(settings.threads()), model.value()));
        return new RowBatches(rows, settings.batchSize(), batch -> computeAll(ll, batch), ll::close);
    }

    private List<Row> computeAll(Loglikelihood ll, List<Row> batch) {
        List<Row> out = new ArrayList<>(batch.size());
        for (Row in : batch) {
            out.add(compute(ll, in));
        }
        return out;
    }

    private Row compute(Loglikelihood ll, Row in) {
        Object id = in.get(in.fieldIndex("id"));
        try {
            LoglikelihoodResult r = ll.compute((String) in.getAs("context"), (String) in.getAs("continuation"));
            progress.add(1, r.contextTokens().length + r.tokenCount() - 1, r.tokenCount(), 0);
            return RowFactory.create(id, r.sumLogprob(), r.isGreedy(), r.tokenCount(), SparkValues.boxed(r.continuationTokens()),
                    SparkValues.boxed(r.logprobs()), r.contextTokens().length, r.truncatedTokens(), null);
        } catch (InvalidRequestException e) {
            progress.add(1, 0, 0, 1);
            return RowFactory.create(id, null, null, null, null, null, null, null, e.getMessage());
        }
    }
}
