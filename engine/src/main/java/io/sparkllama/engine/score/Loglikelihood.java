package io.sparkllama.engine.score;

import io.sparkllama.engine.error.InvalidRequestException;
import io.sparkllama.engine.model.ForwardState;
import io.sparkllama.engine.model.KvCache;
import io.sparkllama.engine.model.Transformer;
import io.sparkllama.engine.parallel.WorkerPool;
import io.sparkllama.engine.sampling.LogSoftmax;

/**
 * lm-evaluation-harness' {@code loglikelihood}: run {@code context + continuation} (keeping the
 * last {@code maxPositions + 1} tokens when longer, as lm-eval truncates on the left) and sum
 * the logprobs of the continuation tokens, noting whether each was the greedy choice. One per thread.
 */
public final class Loglikelihood {
    private final Transformer model;
    private final ForwardState state;
    private final KvCache cache;

    public Loglikelihood(Transformer model, WorkerPool pool, int chunk) {
        this.model = model;
        this.state = model.newState(chunk, pool);
        this.cache = model.newCache();
    }

    /** @param context non-empty (put BOS first for an empty one) */
    public LoglikelihoodResult score(int[] context, int[] continuation) {
        if (context.length == 0) {
            throw new InvalidRequestException("loglikelihood: empty context (use BOS as the context)");
        }
        if (continuation.length == 0) {
            throw new InvalidRequestException("loglikelihood: the continuation has no tokens");
        }
        int limit = model.maxPositions();
        if (continuation.length > limit) {
            throw new InvalidRequestException("loglikelihood: continuation of " + continuation.length + " tokens is over the context of " + limit);
        }
        int total = context.length + continuation.length;
        int start = Math.max(0, total - (limit + 1));
        int[] whole = new int[total - start];
        int fromContext = context.length - start;
        System.arraycopy(context, start, whole, 0, fromContext);
        System.arraycopy(continuation, 0, whole, fromContext, continuation.length);
        int vocab = model.config().vocabSize();
        int toRun = whole.length - 1;
        int firstScored = toRun - continuation.length;
        int chunk = state.maxTokens();
        double sum = 0;
        boolean greedy = true;
        for (int done = 0; done < toRun; done += chunk) {
            int n = Math.min(chunk, toRun - done);
            model.forward(whole, done, n, done, cache, state, true);
            for (int t = Math.max(0, firstScored - done); t < n; t++) {
                int off = t * vocab;
                int next = whole[done + t + 1];
                sum += state.logits[off + next] - LogSoftmax.logSumExp(state.logits, off, vocab);
                greedy &= LogSoftmax.argmax(state.logits, off, vocab) == next;
            }
        }
        return new LoglikelihoodResult(sum, greedy, continuation.length);
    }
}
