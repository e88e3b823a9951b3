package io.sparkllama.engine.score;

import io.sparkllama.engine.InferenceSession;
import io.sparkllama.engine.error.InvalidRequestException;

/**
 * llama.cpp's {@code llama-perplexity} (default mode, no stride): the text's tokens are cut into
 * {@code floor(n / nCtx)} chunks of {@code nCtx}; each chunk runs with a fresh KV cache and its
 * first token replaced by BOS, and only the second half of each chunk is scored (positions
 * {@code nCtx/2 .. nCtx-2} predicting the next token), so every scored token has at least
 * {@code nCtx/2} tokens of context.
 */
public final class LlamaCppPerplexity {
    private LlamaCppPerplexity() {
    }

    /**
     * @param tokens the whole text encoded with BOS first, as llama.cpp tokenizes it
     * @param bos    the BOS id that starts every chunk
     */
    public static PerplexityResult run(InferenceSession session, int[] tokens, int nCtx, int bos) {
        if (nCtx < 4) {
            throw new InvalidRequestException("perplexity: context must be at least 4 tokens, got " + nCtx);
        }
        // Same floor as llama.cpp: fewer tokens would leave at most one half-scored chunk.
        if (tokens.length < 2 * nCtx) {
            throw new InvalidRequestException("perplexity: the text has " + tokens.length + " tokens; llama.cpp's method needs at least "
                    + 2 * nCtx + " (2 x ctx): use a longer text or a smaller --ctx");
        }
        int chunks = tokens.length / nCtx;
        int first = nCtx / 2;
        double[] chunkNll = new double[chunks];
        double sum = 0;
        double sumSq = 0;
        long scored = 0;
        long nanos = 0;
        int[] window = new int[nCtx];
        for (int c = 0; c < chunks; c++) {
            System.arraycopy(tokens, c * nCtx, window, 0, nCtx);
            window[0] = bos;
            ScoreResult r = session.score(window);
            nanos += r.nanos();
            double s = 0;
            // logprobs[j] is the logprob of window[j + 1] given window[0..j].
            for (int j = first; j < nCtx - 1; j++) {
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
