package io.sparkllama.udfs;

import io.sparkllama.engine.Engine;
import io.sparkllama.engine.InferenceSession;
import io.sparkllama.engine.error.InvalidRequestException;
import io.sparkllama.engine.score.PackedScorer;
import io.sparkllama.engine.score.RollingScorer;
import io.sparkllama.engine.score.ScoreResult;
import io.sparkllama.engine.score.ScoringRequest;
import io.sparkllama.engine.score.SequenceScore;
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
 * or empty text gives an {@code error} row. A micro-batch's rows are scored together in packed
 * steps ({@link PackingSettings}), each bitwise as if alone. With a {@link TokenCache}, the
 * partition's ids come from its cache file when there is a valid one, and are written to it when
 * there is not.
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
        InferenceSession session = TaskScope.closeAtTaskEnd(TaskKvCache.open(engine, TaskThreads.resolve(settings.threads()), model.value()));
        RollingScorer rolling = new RollingScorer(session, settings.stride());
        PackedScorer scorer = session.packedScorer(settings.packing().stepTokens(), settings.packing().prefixCache());
        scorer.topLogprobs(settings.topLogprobs());
        TaskContext task = TaskContext.get();
        PartitionTokens cached = tokenCache == null || task == null ? null : PartitionTokens.open(tokenCache, task.partitionId(),
                engine.config().vocabSize());
        if (cached != null) {
            TaskScope.closeAtTaskEnd(cached); // a failed or abandoned task drops its half-written file and unmaps its hit
        }
        return new RowBatches(rows, settings.batchSize(), batch -> scoreAll(engine, rolling, scorer, cached, batch), () -> {
            session.close();
            if (cached != null) {
                cached.finish();
            }
        });
    }

    private List<Row> scoreAll(Engine engine, RollingScorer rolling, PackedScorer scorer, PartitionTokens cached, List<Row> batch) {
        int[][] tokens = new int[batch.size()][];
        String[] errors = new String[batch.size()];
        int[] firstRequest = new int[batch.size() + 1];
        List<ScoringRequest> requests = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            firstRequest[i] = requests.size();
            try {
                tokens[i] = tokenize(engine, cached, batch.get(i));
                requests.addAll(rolling.requests(tokens[i]));
            } catch (InvalidRequestException e) {
                errors[i] = e.getMessage();
            }
        }
        firstRequest[batch.size()] = requests.size();
        List<SequenceScore> scores = progress.score(scorer, requests);
        List<Row> out = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            Object id = batch.get(i).get(batch.get(i).fieldIndex("id"));
            try {
                if (errors[i] != null) {
                    throw new InvalidRequestException(errors[i]);
                }
                ScoreResult r = rolling.combine(tokens[i], scores.subList(firstRequest[i], firstRequest[i + 1]), 0);
                progress.add(1, tokens[i].length, r.scored(), 0);
                out.add(RowFactory.create(id, SparkValues.boxed(tokens[i]), SparkValues.boxed(r.logprobs()), r.sumLogprob(), r.scored(),
                        r.meanNll(), r.perplexity(), null, SparkValues.alternatives(r.topK(), r.topIds(), r.topLogprobs())));
            } catch (InvalidRequestException e) {
                progress.add(1, 0, 0, 1);
                out.add(RowFactory.create(id, null, null, null, null, null, null, e.getMessage(), null));
            }
        }
        return out;
    }

    private static int[] tokenize(Engine engine, PartitionTokens cached, Row in) {
        Object id = in.get(in.fieldIndex("id"));
        String text = in.getAs("text");
        if (text == null || text.isEmpty()) {
            if (cached != null) {
                cached.skip(String.valueOf(id));
            }
            throw new InvalidRequestException(text == null ? "text is null" : "text is empty");
        }
        return cached == null ? engine.tokenizer().encode(text, true)
                : cached.next(String.valueOf(id), text, t -> engine.tokenizer().encode(t, true));
    }
}
