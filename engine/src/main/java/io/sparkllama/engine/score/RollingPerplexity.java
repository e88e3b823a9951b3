package io.sparkllama.engine.score;

import io.sparkllama.engine.InferenceSession;
import io.sparkllama.engine.error.InvalidRequestException;
import java.util.Arrays;

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
        double[] windowNll = new double[windows];
        double sum = 0;
        double sumSq = 0;
        long run = 0;
        long nanos = 0;
        int predicted = 0;
        for (int w = 0; w < windows; w++) {
            int predLen = Math.min(n - predicted, maxLength);
            int end = predicted + predLen;
            int[] input;
            if (w == 0) {
                // [BOS] + tokens[0 .. end): predicts tokens[0 .. end).
                input = new int[end + 1];
                input[0] = bos;
                System.arraycopy(tokens, 0, input, 1, end);
            } else {
                // maxLength tokens of input ending just before tokens[end - 1], plus the last target.
                input = Arrays.copyOfRange(tokens, end - maxLength - 1, end);
            }
            ScoreResult r = session.score(input);
            nanos += r.nanos();
            run += input.length - 1;
            double s = 0;
            float[] lp = r.logprobs();
            for (int j = lp.length - predLen; j < lp.length; j++) {
                s -= lp[j];
                sumSq += (double) lp[j] * lp[j];
            }
            windowNll[w] = s;
            sum += s;
            predicted = end;
        }
        return new PerplexityResult("rolling", n, windowNll, n, sum, sumSq, run, nanos);
    }
}
