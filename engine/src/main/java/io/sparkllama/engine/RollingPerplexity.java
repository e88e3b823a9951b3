package io.sparkllama.engine;

import io.sparkllama.engine.error.InvalidRequestException;
import io.sparkllama.engine.score.PerplexityResult;
import io.sparkllama.engine.score.ScoreResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Perplexity by lm-evaluation-harness' {@code loglikelihood_rolling}: the text is covered by disjoint windows of
 * at most {@code maxLength} predicted tokens; the first window is predicted from BOS, each later
 * one from the {@code maxLength} tokens before its last token (as much left context as fits), so
 * every token is scored exactly once.
 */
public final class RollingPerplexity {
    private RollingPerplexity() {
    }

    /**
     * @param tokens    the text's ids without BOS
     * @param maxLength the model's window: tokens of input per forward pass
     * @param bos       the prefix token that predicts the first token
     */
    public static PerplexityResult run(InferenceSession session, int[] tokens, int maxLength, int bos) {
        if (tokens.length == 0) {
            throw new InvalidRequestException("perplexity: the text has no tokens");
        }
        if (maxLength < 1) {
            throw new InvalidRequestException("perplexity: context must be at least 1 token, got " + maxLength);
        }
        int n = tokens.length;
        int windows = (n + maxLength - 1) / maxLength;
        List<int[]> inputs = new ArrayList<>(windows);
        int[] predLens = new int[windows];
        int predicted = 0;
        for (int w = 0; w < windows; w++) {
            int predLen = Math.min(n - predicted, maxLength);
            int end = predicted + predLen;
            if (w == 0) {
                // [BOS] + tokens[0 .. end): predicts tokens[0 .. end).
                int[] input = new int[end + 1];
                input[0] = bos;
                System.arraycopy(tokens, 0, input, 1, end);
                inputs.add(input);
            } else {
                // maxLength tokens of input ending just before tokens[end - 1], plus the last target.
                inputs.add(Arrays.copyOfRange(tokens, end - maxLength - 1, end));
            }
            predLens[w] = predLen;
            predicted = end;
        }
        List<ScoreResult> results = session.scoreAll(inputs);
        double[] windowNll = new double[windows];
        double sum = 0;
        double sumSq = 0;
        long run = 0;
        long nanos = 0;
        for (int w = 0; w < windows; w++) {
            ScoreResult r = results.get(w);
            nanos += r.nanos();
            run += inputs.get(w).length - 1;
            double s = 0;
            float[] lp = r.logprobs();
            for (int j = lp.length - predLens[w]; j < lp.length; j++) {
                s -= lp[j];
                sumSq += (double) lp[j] * lp[j];
            }
            windowNll[w] = s;
            sum += s;
        }
        return new PerplexityResult("rolling", n, windowNll, n, sum, sumSq, run, nanos);
    }
}
