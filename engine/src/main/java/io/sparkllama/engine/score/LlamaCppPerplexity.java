package io.sparkllama.engine.score;

import io.sparkllama.engine.InferenceSession;
import io.sparkllama.engine.error.InvalidRequestException;
import java.util.function.Function;

/**
 * Perplexity the way llama.cpp's {@code llama-perplexity} computes it by default, so figures
 * compare with published ones: the whole text's tokens are cut into {@code floor(n / nCtx)}
 * non-overlapping chunks; each chunk runs from a fresh context with its first token replaced by
 * BOS, and only its second half is scored (positions {@code nCtx/2 .. nCtx-2} predicting the next
 * token), so every scored token has at least {@code nCtx/2} tokens of context.
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
        return compute(tokens, nCtx, bos, session::score);
    }

    /** Scores with {@code scorer} (a fresh context per call, as {@link Scorer#score} gives). */
    public static Result compute(int[] tokens, int nCtx, int bos, Scorer scorer) {
        return compute(tokens, nCtx, bos, scorer::score);
    }

    private static Result compute(int[] tokens, int nCtx, int bos, Function<int[], ScoreResult> score) {
        if (nCtx < 4 || nCtx % 2 != 0) {
            throw new InvalidRequestException("perplexity context " + nCtx + " must be even and at least 4");
        }
        int chunks = tokens.length / nCtx;
        if (chunks == 0) {
            throw new InvalidRequestException("text has " + tokens.length + " tokens, fewer than one " + nCtx + "-token chunk");
        }
        int first = nCtx / 2;
        double total = 0;
        int count = 0;
        double[] chunkNll = new double[chunks];
        int[] window = new int[nCtx];
        for (int c = 0; c < chunks; c++) {
            System.arraycopy(tokens, c * nCtx, window, 0, nCtx);
            window[0] = bos;
            ScoreResult r = score.apply(window);
            double nll = 0;
            // logprobs[j] is the log-probability of window[j + 1] given window[0..j].
            for (int j = first; j <= nCtx - 2; j++) {
                nll -= r.logprobs()[j];
            }
            chunkNll[c] = nll;
            total += nll;
            count += nCtx - 1 - first;
        }
        double mean = total / count;
        return new Result(Math.exp(mean), mean, chunks, count, chunkNll);
    }
}
