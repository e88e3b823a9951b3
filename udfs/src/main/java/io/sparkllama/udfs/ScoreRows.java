package io.sparkllama.udfs;

import io.sparkllama.engine.Engine;
import io.sparkllama.engine.InferenceSession;
import io.sparkllama.engine.error.InvalidRequestException;
import io.sparkllama.engine.score.RollingScorer;
import io.sparkllama.engine.score.ScoreResult;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The score job's {@code mapPartitions} function: per-token logprobs of each row's {@code text}
 * (BOS first, rolling windows past the context), one output row per input row, in order. A null
 * or empty text gives an {@code error} row.
 */
public final class ScoreRows implements MapPartitionsFunction<Row, Row> {
    private final Broadcast<ModelHandle> model;
    private final ScoreSettings settings;
    private final JobProgress progress;

    public ScoreRows(Broadcast<ModelHandle> model, ScoreSettings settings, JobProgress progress) {
        this.model = model;
        this.settings = settings;
        this.progress = progress;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        Engine engine = ExecutorModels.engine(model.value());
        InferenceSession session = engine.newSession(settings.threads());
        RollingScorer scorer = new RollingScorer(session, settings.stride());
        return new RowBatches(rows, settings.batchSize(), batch -> scoreAll(engine, scorer, batch), session::close);
    }

    private List<Row> scoreAll(Engine engine, RollingScorer scorer, List<Row> batch) {
        List<Row> out = new ArrayList<>(batch.size());
        for (Row in : batch) {
            out.add(score(engine, scorer, in));
        }
        return out;
    }

    private Row score(Engine engine, RollingScorer scorer, Row in) {
        Object id = in.get(in.fieldIndex("id"));
        String text = in.getAs("text");
        try {
            if (text == null || text.isEmpty()) {
                throw new InvalidRequestException(text == null ? "text is null" : "text is empty");
            }
            int[] tokens = engine.tokenizer().encode(text, true);
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
