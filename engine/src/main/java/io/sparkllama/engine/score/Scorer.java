package io.sparkllama.engine.score;

import io.sparkllama.engine.error.InvalidRequestException;
import io.sparkllama.engine.model.ForwardState;
import io.sparkllama.engine.model.KvBlockPool;
import io.sparkllama.engine.model.KvCache;
import io.sparkllama.engine.model.Transformer;
import io.sparkllama.engine.parallel.WorkerPool;
import io.sparkllama.engine.sampling.FiniteLogits;
import io.sparkllama.engine.sampling.LogSoftmax;

/**
 * Teacher-forced scoring: runs a sequence through the model in chunks (matrix-matrix products) and
 * reads off the log-probability of each actual next token. One per thread.
 */
public final class Scorer {
    private final Transformer model;
    private final ForwardState state;
    private final KvBlockPool kv;
    private final KvCache cache;

    public Scorer(Transformer model, WorkerPool pool, KvBlockPool kv, int chunk) {
        this.model = model;
        this.state = model.newState(chunk, pool);
        this.kv = kv;
        this.cache = model.newCache(kv);
    }

    public ScoreResult score(int[] tokens) {
        int limit = model.maxPositions();
        // The last token is only a target, so limit + 1 tokens fit.
        if (tokens.length > limit + 1) {
            throw new InvalidRequestException("text has " + tokens.length + " tokens, over the context of " + limit + " (+1 target)");
        }
        kv.requireFits(tokens.length - 1, tokens.length + " tokens to score, the last one only a target");
        try {
            return run(tokens);
        } finally {
            cache.release();
        }
    }

    private ScoreResult run(int[] tokens) {
        int vocab = model.config().vocabSize();
        VocabularyRange.check(tokens, vocab);
        float[] logprobs = new float[Math.max(0, tokens.length - 1)];
        double sum = 0;
        long t0 = System.nanoTime();
        int chunk = state.maxTokens();
        // The last token predicts nothing we score, so it need not run.
        int toRun = tokens.length - 1;
        for (int done = 0; done < toRun; done += chunk) {
            int n = Math.min(chunk, toRun - done);
            model.forward(tokens, done, n, done, cache, state, true);
            for (int t = 0; t < n; t++) {
                int off = t * vocab;
                double lp = FiniteLogits.logprob(state.logits[off + tokens[done + t + 1]], LogSoftmax.logSumExp(state.logits, off, vocab),
                        done + t);
                logprobs[done + t] = (float) lp;
                sum += lp;
            }
        }
        return new ScoreResult(tokens, logprobs, sum, System.nanoTime() - t0);
    }
}
