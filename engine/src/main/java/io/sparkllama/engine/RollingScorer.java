package io.sparkllama.engine;

import io.sparkllama.engine.error.InvalidRequestException;
import io.sparkllama.engine.score.PackedScorer;
import io.sparkllama.engine.score.ScoreResult;
import io.sparkllama.engine.score.Scorer;
import io.sparkllama.engine.score.ScoringRequest;
import io.sparkllama.engine.score.SequenceScore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Scores sequences of any length with rolling windows of the context size, each token scored
 * exactly once.
 *
 * <p>Stride rule, for a context of {@code C} positions and a stride {@code S} (1 ≤ S ≤ C - 1):
 * the first window is {@code tokens[0, min(N, C))} and scores all its positions. Each later window
 * ends {@code S} tokens further ({@code end = min(N, previousEnd + S)}), starts at
 * {@code end - C} so that it is full, and scores only the tokens the previous windows did not:
 * {@code tokens[previousEnd, end)}. So every token after the first window is predicted from at
 * least {@code C - S} earlier tokens (the final window may give more), and a sequence that fits
 * the context is one window, identical to {@link Scorer}. Later windows begin mid-text, without a
 * BOS token (as Hugging Face's strided perplexity does). A smaller stride gives more context per
 * token at the cost of {@code C / S} forward passes per token scored.
 */
public final class RollingScorer {
    private final InferenceSession session;
    private final int context;
    private final int stride;

    /** @param stride tokens each window advances; 0 for half the context */
    public RollingScorer(InferenceSession session, int stride) {
        this.session = session;
        this.context = session.engine().contextLength();
        if (context < 2) {
            throw new InvalidRequestException("rolling scoring needs a context of at least 2 positions, got " + context);
        }
        int s = stride == 0 ? Math.max(1, context / 2) : stride;
        if (s < 1 || s >= context) {
            throw new InvalidRequestException("stride must be between 1 and context - 1 (" + (context - 1) + "), got " + stride);
        }
        this.stride = s;
    }

    public int stride() {
        return stride;
    }

    public int context() {
        return context;
    }

    /** The window starts used for {@code n} tokens: window k covers {@code [starts[k], ends[k])}. */
    public Windows windows(int n) {
        int count = 1;
        for (int end = Math.min(n, context); end < n; end = Math.min(n, end + stride)) {
            count++;
        }
        int[] starts = new int[count];
        int[] ends = new int[count];
        int end = Math.min(n, context);
        ends[0] = end;
        for (int k = 1; k < count; k++) {
            end = Math.min(n, end + stride);
            ends[k] = end;
            starts[k] = end - context;
        }
        return new Windows(starts, ends);
    }

    /** Per-token logprobs of {@code tokens[1..]}, as {@link Scorer#score} gives for a sequence that fits. */
    public ScoreResult score(int[] tokens) {
        if (tokens.length <= context) {
            return session.score(tokens);
        }
        long t0 = System.nanoTime();
        float[] logprobs = new float[tokens.length - 1];
        double sum = 0;
        Windows w = windows(tokens.length);
        int scoredUpTo = 1; // tokens[0] is never predicted
        for (int k = 0; k < w.starts().length; k++) {
            int start = w.starts()[k];
            int end = w.ends()[k];
            ScoreResult r = session.score(Arrays.copyOfRange(tokens, start, end));
            // r.logprobs()[j] predicts tokens[start + j + 1]; keep only the new targets.
            for (int target = scoredUpTo; target < end; target++) {
                float lp = r.logprobs()[target - start - 1];
                logprobs[target - 1] = lp;
                sum += lp;
            }
            scoredUpTo = end;
        }
        return new ScoreResult(tokens, logprobs, sum, System.nanoTime() - t0);
    }

    /**
     * The requests that score {@code tokens} as {@link #score} does, for a {@link PackedScorer}:
     * one for a sequence that fits, else one per window from its first new target.
     */
    public List<ScoringRequest> requests(int[] tokens) {
        if (tokens.length <= context) {
            return List.of(ScoringRequest.all(tokens));
        }
        Windows w = windows(tokens.length);
        List<ScoringRequest> out = new ArrayList<>(w.starts().length);
        int scoredUpTo = 1;
        for (int k = 0; k < w.starts().length; k++) {
            int start = w.starts()[k];
            out.add(new ScoringRequest(Arrays.copyOfRange(tokens, start, w.ends()[k]), scoredUpTo - start));
            scoredUpTo = w.ends()[k];
        }
        return out;
    }

    /**
     * {@link #score}'s result from the scores of {@link #requests}{@code (tokens)}, in order (the
     * first error thrown). Sums as {@link #score} does: fp64 of fp64 logprobs for one window, of the
     * stored fp32 ones across windows.
     */
    public ScoreResult combine(int[] tokens, List<SequenceScore> scores, long nanos) {
        SequenceScore first = scores.get(0).orThrow();
        int k = first.logprobs().length == 0 ? 0 : first.topIds().length / first.logprobs().length;
        if (scores.size() == 1) {
            return new ScoreResult(tokens, first.logprobs(), first.sumLogprob(), nanos, k, first.topIds(), first.topLogprobs());
        }
        float[] logprobs = new float[tokens.length - 1];
        int[] topIds = new int[logprobs.length * k];
        float[] topLogprobs = new float[logprobs.length * k];
        double sum = 0;
        int at = 0;
        for (SequenceScore s : scores) {
            s.orThrow();
            System.arraycopy(s.topIds(), 0, topIds, at * k, s.topIds().length);
            System.arraycopy(s.topLogprobs(), 0, topLogprobs, at * k, s.topLogprobs().length);
            for (float lp : s.logprobs()) {
                logprobs[at++] = lp;
                sum += lp;
            }
        }
        return new ScoreResult(tokens, logprobs, sum, nanos, k, topIds, topLogprobs);
    }

    /** Window bounds over a token sequence. */
    public record Windows(int[] starts, int[] ends) {
    }
}
