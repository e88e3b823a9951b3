package io.sparkllama.udfs;

import io.sparkllama.engine.Engine;
import io.sparkllama.engine.InferenceSession;
import io.sparkllama.engine.error.InvalidRequestException;
import io.sparkllama.engine.score.RollingScorer;
import io.sparkllama.engine.score.ScoreResult;
import io.sparkllama.udfs.tokencache.PartitionTokens;
import io.sparkllama.udfs.tokencache.TokenCache;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The score job's {@code mapPartitions} function: per-token logprobs of each row's {@code text}
 * (BOS first, rolling windows past the context), one output row per input row, in order. A null
 * or empty text gives an {@code error} row. With a {@link TokenCache}, the partition's ids come
 * from its cache file when there is a valid one, and are written to it when there is not.
 */
public final class ScoreRows implements MapPartitionsFunction<Row, Row> {
    private final Broadcast<ModelHandle> model;
    private final ScoreSettings settings;
    private final JobProgress progress;
    private final TokenCache tokenCache;

    public ScoreRows(Broadcast<ModelHandle> model, ScoreSettings settings, JobProgress progress) {
        this(model, settings, progress, null);
    }

    /** @param tokenCache the job's token cache, or null to tokenize every row */
    public ScoreRows(Broadcast<ModelHandle> model, ScoreSettings settings, JobProgress progress, TokenCache tokenCache) {
        this.model = model;
        this.settings = settings;
        this.progress = progress;
        this.tokenCache = tokenCache;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        Engine engine = ExecutorModels.engine(model.value());
        InferenceSession session = TaskScope.closeAtTaskEnd(
                TaskKvCache.open(engine, TaskThreads.resolve(settings.threads()), model.value()));
        RollingScorer scorer = new RollingScorer(session, settings.stride());
        TaskContext task = TaskContext.get();
        PartitionTokens cached = tokenCache == null || task == null ? null : PartitionTokens.open(tokenCache, task.partitionId(),
                engine.config().vocabSize());
        if (cached != null) {
            TaskScope.closeAtTaskEnd(cached); // a failed or abandoned task drops its half-written file and unmaps its hit
        }
        return new RowBatches(rows, settings.batchSize(), batch -> scoreAll(engine, scorer, cached, batch), () -> {
            session.close();
            if (cached != null) {
                cached.finish();
            }
        });
    }

    private List<Row> scoreAll(Engine engine, RollingScorer scorer, PartitionTokens cached, List<Row> batch) {
        List<Row> out = new ArrayList<>(batch.size());
        for (Row in : batch) {
            out.add(score(engine, scorer, cached, in));
        }
        return out;
    }

    private Row score(Engine engine, RollingScorer scorer, PartitionTokens cached, Row in) {
        Object id = in.get(in.fieldIndex("id"));
        String text = in.getAs("text");
        try {
            if (text == null || text.isEmpty()) {
                if (cached != null) {
                    cached.skip(String.valueOf(id));
                }
                throw new InvalidRequestException(text == null ? "text is null" : "text is empty");
            }
            int[] tokens = cached == null ? engine.tokenizer().encode(text, true)
                    : cached.next(String.valueOf(id), text, t -> engine.tokenizer().encode(t, true));
            ScoreResult r = scorer.score(tokens);
            progress.add(1, tokens.length, r.scored(), 0);
            return RowFactory.create(id, SparkValues.boxed(tokens), SparkValues.boxed(r.logprobs()), r.sumLogprob(), r.scored(),
                    r.meanNll(), r.perplexity(), null);
        } catch (InvalidRequestException e) {
            progress.add(1, 0, 0, 1);
            return RowFactory.create(id, null, null, null, null, null, null, e.getMessage());
        }
    }
}
