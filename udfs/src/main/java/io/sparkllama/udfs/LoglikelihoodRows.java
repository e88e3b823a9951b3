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
 * log P(continuation | context) per row with lm-evaluation-harness semantics ({@link Loglikelihood}),
 * the row function of {@code loglikelihood} (job, DataFrame API, SQL, the evaluation sweep): one
 * result row ({@link LlamaTask#LOGLIKELIHOOD}'s fields) per input row, in order. A micro-batch's pairs are scored together in packed
 * steps, sharing computed prefixes (an item's context across its choices, few-shot examples across
 * items) when {@link PackingSettings#prefixCache()}; each bitwise as if alone. A null context or
 * an empty continuation gives an {@code error} row.
 */
public final class LoglikelihoodRows implements MapPartitionsFunction<Row, Row> {
    private final Broadcast<ModelHandle> model;
    private final LoglikelihoodSettings settings;
    private final InputColumns columns;
    private final JobProgress progress;

    /** @param columns the context and the continuation (two text columns); a per-row settings column must hold empty maps */
    public LoglikelihoodRows(Broadcast<ModelHandle> model, LoglikelihoodSettings settings, InputColumns columns, JobProgress progress) {
        this.model = model;
        this.settings = settings;
        this.columns = columns;
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
                if (!columns.settings(in).isEmpty()) {
                    throw new InvalidRequestException(LlamaTask.LOGLIKELIHOOD.functionName() + " takes no per-row settings, got "
                            + columns.settings(in).keySet());
                }
                Loglikelihood.Split split = ll.split(columns.text(in, 0), columns.text(in, 1));
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
            try {
                if (errors[i] != null) {
                    throw new InvalidRequestException(errors[i]);
                }
                LoglikelihoodResult r = prepared[i].result(scores.get(next++));
                progress.add(1, r.contextTokens().length + r.tokenCount() - 1, r.tokenCount(), 0);
                out.add(RowFactory.create(r.sumLogprob(), r.isGreedy(), r.tokenCount(), SparkValues.boxed(r.continuationTokens()),
                        SparkValues.boxed(r.logprobs()), r.contextTokens().length, r.truncatedTokens(), null));
            } catch (InvalidRequestException e) {
                progress.add(1, 0, 0, 1);
                out.add(RowFactory.create(null, null, null, null, null, null, null, e.getMessage()));
            }
        }
        return out;
    }
}
