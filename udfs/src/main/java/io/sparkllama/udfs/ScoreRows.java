package io.sparkllama.udfs;

import io.sparkllama.engine.Engine;
import io.sparkllama.engine.InferenceSession;
import io.sparkllama.engine.RollingScorer;
import io.sparkllama.engine.error.InvalidRequestException;
import io.sparkllama.engine.score.PackedScorer;
import io.sparkllama.engine.score.ScoreResult;
import io.sparkllama.engine.score.ScoringRequest;
import io.sparkllama.engine.score.SequenceScore;
import io.sparkllama.udfs.tokencache.PartitionTokens;
import io.sparkllama.udfs.tokencache.TokenCache;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Per-token logprobs of each row's text, the row function of {@code score} (job, DataFrame API,
 * SQL): BOS first, rolling windows past the context, one result row ({@link LlamaTask#SCORE}'s
 * fields) per input row, in order. A null or empty text, or bad per-row settings, give an
 * {@code error} row. A micro-batch's rows are scored together in packed
 * steps ({@link PackingSettings}), each bitwise as if alone. With a {@link TokenCache}, the
 * partition's ids come from its cache file when there is a valid one, and are written to it when
 * there is not.
 */
public final class ScoreRows implements MapPartitionsFunction<Row, Row> {
    private final Broadcast<ModelHandle> model;
    private final ScoreSettings settings;
    private final JobProgress progress;
    private final InputColumns columns;
    private final TokenCache tokenCache;

    /**
     * @param columns    the text (one text column), optionally a per-row settings column ({@code stride}), and the id
     *                   where there is a token cache
     * @param tokenCache the job's token cache, or null to tokenize every row
     */
    public ScoreRows(Broadcast<ModelHandle> model, ScoreSettings settings, InputColumns columns, JobProgress progress, TokenCache tokenCache) {
        if (tokenCache != null && columns.id() < 0) {
            throw new IllegalArgumentException("the token cache keys rows by id: give the id column");
        }
        this.model = model;
        this.settings = settings;
        this.columns = columns;
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
                engine.vocabSize());
        if (cached != null) {
            TaskScope.closeAtTaskEnd(cached); // a failed or abandoned task drops its half-written file and unmaps its hit
        }
        return new RowBatches(rows, settings.batchSize(), batch -> scoreAll(engine, session, rolling, scorer, cached, batch), () -> {
            session.close();
            if (cached != null) {
                cached.finish();
            }
        });
    }

    private List<Row> scoreAll(Engine engine, InferenceSession session, RollingScorer rolling, PackedScorer scorer, PartitionTokens cached, List<Row> batch) {
        int[][] tokens = new int[batch.size()][];
        RollingScorer[] rollers = new RollingScorer[batch.size()];
        String[] errors = new String[batch.size()];
        int[] firstRequest = new int[batch.size() + 1];
        List<ScoringRequest> requests = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            firstRequest[i] = requests.size();
            try {
                tokens[i] = tokenize(engine, cached, batch.get(i));
                rollers[i] = rolling(session, rolling, batch.get(i));
                requests.addAll(rollers[i].requests(tokens[i]));
            } catch (InvalidRequestException e) {
                errors[i] = e.getMessage();
            }
        }
        firstRequest[batch.size()] = requests.size();
        List<SequenceScore> scores = progress.score(scorer, requests);
        List<Row> out = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            try {
                if (errors[i] != null) {
                    throw new InvalidRequestException(errors[i]);
                }
                ScoreResult r = rollers[i].combine(tokens[i], scores.subList(firstRequest[i], firstRequest[i + 1]), 0);
                progress.add(1, tokens[i].length, r.scored(), 0);
                out.add(RowFactory.create(SparkValues.boxed(tokens[i]), SparkValues.boxed(r.logprobs()), r.sumLogprob(), r.scored(),
                        r.meanNll(), r.perplexity(), null, SparkValues.alternatives(r.topK(), r.topIds(), r.topLogprobs())));
            } catch (InvalidRequestException e) {
                progress.add(1, 0, 0, 1);
                out.add(RowFactory.create(null, null, null, null, null, null, e.getMessage(), null));
            }
        }
        return out;
    }

    /** The task's scorer, or one with the row's own {@code stride}. */
    private RollingScorer rolling(InferenceSession session, RollingScorer task, Row in) {
        Map<String, String> own = columns.settings(in);
        if (own.isEmpty()) {
            return task;
        }
        LlamaSettings row = new LlamaSettings(Map.of()).with(own, LlamaTask.SCORE.rowSettings());
        return new RollingScorer(session, row.integer("stride", settings.stride(), 0));
    }

    private int[] tokenize(Engine engine, PartitionTokens cached, Row in) {
        Object id = columns.id(in);
        String text = columns.text(in, 0);
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
