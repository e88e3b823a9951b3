package io.sparkllama.udfs;

import io.sparkllama.engine.MemoryUsage;
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
 * @param kvPeakBytes        the most KV-block bytes any executor JVM held at once (null where not recorded)
 * @param heapPeakBytes      the largest heap peak of any executor JVM (null where not recorded)
 */
public record JobProgress(LongAccumulator rows, LongAccumulator inputTokens, LongAccumulator outputTokens,
                          LongAccumulator errors, LongAccumulator positionsRequested, LongAccumulator positionsComputed,
                          MaxAccumulator kvPeakBytes, MaxAccumulator heapPeakBytes)
        implements Serializable {
    /** Progress with the prefix cache's counts, without memory peaks. */
    public JobProgress(LongAccumulator rows, LongAccumulator inputTokens, LongAccumulator outputTokens,
                       LongAccumulator errors, LongAccumulator positionsRequested, LongAccumulator positionsComputed) {
        this(rows, inputTokens, outputTokens, errors, positionsRequested, positionsComputed, null, null);
    }

    /** Progress without the prefix cache's counts. */
    public JobProgress(LongAccumulator rows, LongAccumulator inputTokens, LongAccumulator outputTokens, LongAccumulator errors) {
        this(rows, inputTokens, outputTokens, errors, null, null);
    }

    /** No counting: for callers that read no progress (the DataFrame API on its own, the SQL functions). */
    public static JobProgress none() {
        return new JobProgress(null, null, null, null, null, null);
    }

    /** Counts finished rows; with peaks recorded, also this JVM's KV and heap peaks so far (they only grow, so the last row's are the task's). */
    public void add(long r, long in, long out, long e) {
        if (rows == null) {
            return;
        }
        rows.add(r);
        inputTokens.add(in);
        outputTokens.add(out);
        errors.add(e);
        if (kvPeakBytes != null) {
            kvPeakBytes.add(MemoryUsage.jvmKvPeakBytes());
            heapPeakBytes.add(MemoryUsage.jvmHeapPeakBytes());
        }
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
