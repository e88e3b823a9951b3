package io.sparkllama.udfs.batch;

import io.sparkllama.engine.Engine;
import io.sparkllama.engine.InferenceSession;
import io.sparkllama.engine.RollingScorer;
import io.sparkllama.engine.error.InvalidRequestException;
import io.sparkllama.engine.score.ScoreResult;
import io.sparkllama.udfs.SparkValues;
import io.sparkllama.udfs.TaskKvCache;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/** Per-token logprobs of each text (BOS first, rolling windows past the context), as the score job computes them. */
final class ScoreInference implements BatchInference {
    private final Engine engine;
    private final InferenceSession session;
    private final LlamaSettings settings;
    private final RollingScorer defaultScorer;

    ScoreInference(Engine engine, LlamaSettings settings, int threads) {
        this.engine = engine;
        this.settings = settings;
        this.session = TaskKvCache.open(engine, threads, LlamaTask.kvCacheMemory(settings), LlamaTask.kvCacheType(settings));
        this.defaultScorer = new RollingScorer(session, settings.integer("stride", 0, 0));
    }

    @Override
    public List<Row> run(List<InferenceInput> inputs) {
        List<Row> out = new ArrayList<>(inputs.size());
        for (InferenceInput in : inputs) {
            out.add(score(in));
        }
        return out;
    }

    private Row score(InferenceInput in) {
        String text = in.texts()[0];
        try {
            if (text == null || text.isEmpty()) {
                throw new InvalidRequestException(text == null ? "text is null" : "text is empty");
            }
            LlamaSettings s = settings.with(in.settings(), LlamaTask.SCORE.rowSettings());
            int stride = s.integer("stride", 0, 0);
            RollingScorer scorer = in.settings().containsKey("stride") ? new RollingScorer(session, stride) : defaultScorer;
            int[] tokens = engine.tokenizer().encode(text, true);
            ScoreResult r = scorer.score(tokens);
            return RowFactory.create(SparkValues.boxed(tokens), SparkValues.boxed(r.logprobs()), r.sumLogprob(), r.scored(), r.meanNll(),
                    r.perplexity(), null);
        } catch (InvalidRequestException e) {
            return RowFactory.create(null, null, null, null, null, null, e.getMessage());
        }
    }

    @Override
    public void close() {
        session.close();
    }
}
