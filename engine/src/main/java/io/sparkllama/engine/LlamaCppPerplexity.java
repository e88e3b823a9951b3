package io.sparkllama.engine;

import io.sparkllama.engine.error.InvalidRequestException;
import io.sparkllama.engine.score.PerplexityResult;
import io.sparkllama.engine.score.ScoreResult;
import io.sparkllama.engine.score.Scorer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Perplexity the way llama.cpp's {@code llama-perplexity} computes it by default, so figures
 * compare with published ones: the whole text's tokens are cut into {@code floor(n / nCtx)}
 * non-overlapping chunks; each chunk runs from a fresh context with its first token replaced by
 * BOS, and only its second half is scored (positions {@code nCtx/2 .. nCtx-2} predicting the next
 * token), so every scored token has at least {@code nCtx/2} tokens of context. (llama.cpp itself
 * also refuses texts shorter than two chunks; this accepts one.)
 */
public final class LlamaCppPerplexity {
    private LlamaCppPerplexity() {
    }

    /**
     * @param perplexity  exp of the mean negative log-likelihood
     * @param chunkNll    the summed negative log-likelihood of each chunk
     */
    public record Result(double perplexity, double meanNll, int chunks, int scoredTokens, double[] chunkNll) {
    }

    /** Scores with {@code session}; {@code tokens} are the ids of the whole text (BOS first or not: the first of each chunk is replaced). */
    public static Result compute(int[] tokens, int nCtx, int bos, InferenceSession session) {
        return summary(run(session, tokens, nCtx, bos));
    }

    /** Scores with {@code scorer} (a fresh context per call, as {@link Scorer#score} gives). */
    public static Result compute(int[] tokens, int nCtx, int bos, Scorer scorer) {
        return summary(run(tokens, nCtx, bos, windows -> windows.stream().map(scorer::score).toList()));
    }

    /** The full record (standard error, timings) for the perplexity command and sweeps. */
    public static PerplexityResult run(InferenceSession session, int[] tokens, int nCtx, int bos) {
        return run(tokens, nCtx, bos, windows -> session.scoreAll(windows));
    }

    private static Result summary(PerplexityResult r) {
        return new Result(r.perplexity(), r.meanNll(), r.windows(), (int) r.nScored(), r.windowNll());
    }

    /** {@code score} scores a list of windows, results in order. */
    private static PerplexityResult run(int[] tokens, int nCtx, int bos, Function<List<int[]>, List<ScoreResult>> score) {
        if (nCtx < 4 || nCtx % 2 != 0) {
            throw new InvalidRequestException("perplexity context " + nCtx + " must be even and at least 4");
        }
        int chunks = tokens.length / nCtx;
        if (chunks == 0) {
            throw new InvalidRequestException("text has " + tokens.length + " tokens, fewer than one " + nCtx
                    + "-token chunk: use a longer text or a smaller --ctx");
        }
        int first = nCtx / 2;
        double[] chunkNll = new double[chunks];
        double sum = 0;
        double sumSq = 0;
        long scored = 0;
        long nanos = 0;
        List<int[]> windows = new ArrayList<>(chunks);
        for (int c = 0; c < chunks; c++) {
            int[] window = Arrays.copyOfRange(tokens, c * nCtx, (c + 1) * nCtx);
            window[0] = bos;
            windows.add(window);
        }
        List<ScoreResult> results = score.apply(windows);
        for (int c = 0; c < chunks; c++) {
            ScoreResult r = results.get(c);
            nanos += r.nanos();
            double s = 0;
            // logprobs[j] is the log-probability of window[j + 1] given window[0..j].
            for (int j = first; j <= nCtx - 2; j++) {
                double nll = -r.logprobs()[j];
                s += nll;
                sumSq += nll * nll;
                scored++;
            }
            chunkNll[c] = s;
            sum += s;
        }
        return new PerplexityResult("llamacpp", tokens.length, chunkNll, scored, sum, sumSq, (long) chunks * nCtx, nanos);
    }
}
