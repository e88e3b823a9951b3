package io.sparkllama.udfs;

import io.sparkllama.engine.score.PackedScorer;
import io.sparkllama.engine.score.ScoringRequest;
import io.sparkllama.engine.score.SequenceScore;
import java.io.Serializable;
import java.util.List;
import org.apache.spark.util.LongAccumulator;

/**
 * Accumulators the tasks add to and the driver reads for the progress line and the summary (all
 * null: {@link #none()}, nothing counted).
 *
 * @param inputTokens        prompt / text / context tokens fed to the model
 * @param outputTokens       generated tokens (generate) or scored tokens (score, loglikelihood)
 * @param positionsRequested positions the scoring requests asked to run (null where not counted)
 * @param positionsComputed  positions actually run: the rest came from the prefix cache
 */
public record JobProgress(LongAccumulator rows, LongAccumulator inputTokens, LongAccumulator outputTokens,
                          LongAccumulator errors, LongAccumulator positionsRequested, LongAccumulator positionsComputed)
        implements Serializable {
    /** Progress without the prefix cache's counts. */
    public JobProgress(LongAccumulator rows, LongAccumulator inputTokens, LongAccumulator outputTokens, LongAccumulator errors) {
        this(rows, inputTokens, outputTokens, errors, null, null);
    }

    /** No counting: for callers that read no progress (the DataFrame API on its own, the SQL functions). */
    public static JobProgress none() {
        return new JobProgress(null, null, null, null, null, null);
    }

    public void add(long r, long in, long out, long e) {
        if (rows == null) {
            return;
        }
        rows.add(r);
        inputTokens.add(in);
        outputTokens.add(out);
        errors.add(e);
    }

    /** Scores {@code requests} with {@code scorer}, counting the positions asked for and run. */
    public List<SequenceScore> score(PackedScorer scorer, List<ScoringRequest> requests) {
        long asked = scorer.positionsRequested();
        long ran = scorer.positionsComputed();
        List<SequenceScore> scores = scorer.scoreAll(requests);
        if (positionsRequested != null) {
            positionsRequested.add(scorer.positionsRequested() - asked);
            positionsComputed.add(scorer.positionsComputed() - ran);
        }
        return scores;
    }
}
