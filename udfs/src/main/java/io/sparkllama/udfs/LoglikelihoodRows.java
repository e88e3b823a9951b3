package io.sparkllama.udfs;

import io.sparkllama.engine.Engine;
import io.sparkllama.engine.InferenceSession;
import io.sparkllama.engine.error.InvalidRequestException;
import io.sparkllama.engine.score.Loglikelihood;
import io.sparkllama.engine.score.LoglikelihoodResult;
import io.sparkllama.engine.score.PackedScorer;
import io.sparkllama.engine.score.ScoringRequest;
import io.sparkllama.engine.score.SequenceScore;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The loglikelihood job's (and the evaluation sweep's) {@code mapPartitions} function: log
 * P(continuation | context) per row with lm-evaluation-harness semantics ({@link Loglikelihood}),
 * one output row per input row, in order. A micro-batch's pairs are scored together in packed
 * steps, sharing computed prefixes (an item's context across its choices, few-shot examples across
 * items) when {@link PackingSettings#prefixCache()}; each bitwise as if alone. A null context or
 * an empty continuation gives an {@code error} row.
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
        InferenceSession session = TaskScope.closeAtTaskEnd(TaskKvCache.open(engine, TaskThreads.resolve(settings.threads()), model.value()));
        PackedScorer scorer = session.packedScorer(settings.packing().stepTokens(), settings.packing().prefixCache());
        return new RowBatches(rows, settings.batchSize(), batch -> computeAll(session.loglikelihoods(), scorer, batch), session::close);
    }

    private List<Row> computeAll(Loglikelihood ll, PackedScorer scorer, List<Row> batch) {
        Loglikelihood.Prepared[] prepared = new Loglikelihood.Prepared[batch.size()];
        String[] errors = new String[batch.size()];
        List<ScoringRequest> requests = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            Row in = batch.get(i);
            try {
                Loglikelihood.Split split = ll.split(in.getAs("context"), in.getAs("continuation"));
                prepared[i] = ll.prepare(split.contextTokens(), split.continuationTokens());
                requests.add(prepared[i].request());
            } catch (InvalidRequestException e) {
                errors[i] = e.getMessage();
            }
        }
        List<SequenceScore> scores = progress.score(scorer, requests);
        List<Row> out = new ArrayList<>(batch.size());
        int next = 0;
        for (int i = 0; i < batch.size(); i++) {
            Object id = batch.get(i).get(batch.get(i).fieldIndex("id"));
            try {
                if (errors[i] != null) {
                    throw new InvalidRequestException(errors[i]);
                }
                LoglikelihoodResult r = prepared[i].result(scores.get(next++));
                progress.add(1, r.contextTokens().length + r.tokenCount() - 1, r.tokenCount(), 0);
                out.add(RowFactory.create(id, r.sumLogprob(), r.isGreedy(), r.tokenCount(), SparkValues.boxed(r.continuationTokens()),
                        SparkValues.boxed(r.logprobs()), r.contextTokens().length, r.truncatedTokens(), null));
            } catch (InvalidRequestException e) {
                progress.add(1, 0, 0, 1);
                out.add(RowFactory.create(id, null, null, null, null, null, null, null, e.getMessage()));
            }
        }
        return out;
    }
}
