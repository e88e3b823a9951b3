package io.sparkllama.engine.score;

import io.sparkllama.engine.error.InvalidRequestException;
import io.sparkllama.engine.model.ForwardState;
import io.sparkllama.engine.model.KvBlockPool;
import io.sparkllama.engine.model.KvCache;
import io.sparkllama.engine.model.Transformer;
import io.sparkllama.engine.parallel.WorkerPool;
import io.sparkllama.engine.sampling.FiniteLogits;
import io.sparkllama.engine.sampling.LogSoftmax;
import io.sparkllama.engine.tokenizer.Tokenizer;
import java.util.Arrays;

/**
 * log P(continuation | context) with lm-evaluation-harness semantics, for multiple-choice and
 * loglikelihood evaluation tasks. One per thread.
 *
 * <p>How a pair is split into tokens (lm-eval's {@code _encode_pair}): trailing whitespace of the
 * context moves to the front of the continuation; then {@code whole = encode(context +
 * continuation)} and {@code ctx = encode(context)} (both with BOS), and the continuation's tokens
 * are {@code whole[ctx.length ..]}, the tail of the joint encoding, so tokens merging across the
 * boundary are scored as the model would see them. An empty context is just BOS. An empty
 * continuation is an error. When context plus continuation exceed the model's context, the
 * oldest context tokens are dropped (as lm-eval does) and {@code truncatedTokens} says how many.
 */
public final class Loglikelihood implements AutoCloseable {
    private final Transformer model;
    private final Tokenizer tokenizer;
    private final ForwardState state;
    private final KvBlockPool kv;
    private final KvCache cache;
    private final WorkerPool ownedPool;
    private final KvBlockPool ownedKv;

    /** A calculator on a caller's worker and KV pools (not closed here). */
    public Loglikelihood(Transformer model, Tokenizer tokenizer, WorkerPool pool, KvBlockPool kv, int chunk) {
        this(model, tokenizer, pool, kv, chunk, null, null);
    }

    private Loglikelihood(Transformer model, Tokenizer tokenizer, WorkerPool pool, KvBlockPool kv, int chunk, WorkerPool owned,
                          KvBlockPool ownedKv) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.state = model.newState(chunk, pool);
        this.kv = kv;
        this.cache = model.newCache(kv);
        this.ownedPool = owned;
        this.ownedKv = ownedKv;
    }

    /** A calculator on {@code pool} and {@code kv} that it owns: {@link #close} closes both. */
    public static Loglikelihood owning(Transformer model, Tokenizer tokenizer, WorkerPool pool, KvBlockPool kv, int chunk) {
        return new Loglikelihood(model, tokenizer, pool, kv, chunk, pool, kv);
    }

    /** Names where this calculator's KV budget comes from in its budget errors. */
    public void describeKvBudget(String source) {
        kv.describeBudget(source);
    }

    /** The KV block pool this calculator's requests use. */
    public KvBlockPool kvPool() {
        return kv;
    }

    @Override
    public void close() {
        if (ownedPool != null) {
            ownedPool.close();
        }
        if (ownedKv != null) {
            ownedKv.close();
        }
    }

    /** The (context, continuation) token split described in the class comment. */
    public Split split(String context, String continuation) {
        if (context == null || continuation == null) {
            throw new InvalidRequestException(context == null ? "context is null" : "continuation is null");
        }
        int spaces = context.length() - context.stripTrailing().length();
        String ctx = context.substring(0, context.length() - spaces);
        String cont = context.substring(context.length() - spaces) + continuation;
        if (cont.isEmpty()) {
            throw new InvalidRequestException("continuation is empty");
        }
        int[] contextTokens = ctx.isEmpty() ? new int[] {tokenizer.bosId()} : tokenizer.encode(ctx, true);
        int[] whole = tokenizer.encode(ctx + cont, true);
        if (whole.length <= contextTokens.length) {
            throw new InvalidRequestException("continuation '" + continuation + "' merges into the context's last token: no token of its own to score");
        }
        return new Split(contextTokens, Arrays.copyOfRange(whole, contextTokens.length, whole.length));
    }

    public LoglikelihoodResult compute(String context, String continuation) {
        Split s = split(context, continuation);
        return compute(s.contextTokens(), s.continuationTokens());
    }

    /** Scores {@code continuation} after {@code context} (context non-empty, BOS first by convention). */
    public LoglikelihoodResult compute(int[] context, int[] continuation) {
        Prepared p = prepare(context, continuation);
        try {
            return run(context, continuation, p.input(), p.keep(), p.drop());
        } finally {
            cache.release();
        }
    }

    /**
     * Checks a pair and cuts it to the model's context, for scoring here ({@link #compute}) or
     * packed with others ({@link Prepared#request()}, then {@link Prepared#result}).
     */
    public Prepared prepare(int[] context, int[] continuation) {
        if (context.length == 0 || continuation.length == 0) {
            throw new InvalidRequestException(context.length == 0 ? "context has no tokens (give at least BOS)" : "continuation has no tokens");
        }
        VocabularyRange.check(context, model.config().vocabSize());
        VocabularyRange.check(continuation, model.config().vocabSize());
        int limit = model.maxPositions();
        if (continuation.length > limit - 1) {
            throw new InvalidRequestException("continuation has " + continuation.length + " tokens, over the context of " + limit + " minus one");
        }
        // The last continuation token is predicted, never fed: the input is context + continuation[0 .. n-1).
        int total = context.length + continuation.length - 1;
        int drop = Math.max(0, total - limit);
        int[] input = new int[total - drop];
        int keep = context.length - drop;
        System.arraycopy(context, drop, input, 0, keep);
        System.arraycopy(continuation, 0, input, keep, continuation.length - 1);
        kv.requireFits(input.length, "context " + keep + " + continuation " + continuation.length + " tokens");
        return new Prepared(context, continuation, input, keep, drop);
    }

    /** A checked pair: the fed {@code input} (the kept context, then all but the last continuation token). */
    public record Prepared(int[] context, int[] continuation, int[] input, int keep, int drop) {
        /** The pair as a packed request: the kept context and the whole continuation, scored from the continuation on. */
        public ScoringRequest request() {
            int[] tokens = Arrays.copyOf(input, input.length + 1);
            tokens[input.length] = continuation[continuation.length - 1];
            return new ScoringRequest(tokens, keep);
        }

        /** The result from the packed request's scores (their error thrown). */
        public LoglikelihoodResult result(SequenceScore s) {
            s.orThrow();
            return new LoglikelihoodResult(Arrays.copyOfRange(context, drop, context.length), continuation.clone(), s.logprobs(),
                    s.sumLogprob(), s.greedy(), drop);
        }
    }

    private LoglikelihoodResult run(int[] context, int[] continuation, int[] input, int keep, int drop) {
        int vocab = model.config().vocabSize();
        float[] logprobs = new float[continuation.length];
        double sum = 0;
        boolean greedy = true;
        int firstTarget = keep - 1; // the position whose logits predict continuation[0]
        int chunk = state.maxTokens();
        for (int done = 0; done < input.length; done += chunk) {
            int n = Math.min(chunk, input.length - done);
            boolean needLogits = done + n > firstTarget;
            model.forward(input, done, n, done, cache, state, needLogits);
            if (!needLogits) {
                continue;
            }
            for (int t = Math.max(0, firstTarget - done); t < n; t++) {
                int j = done + t - firstTarget;
                int off = t * vocab;
                int target = continuation[j];
                double lp = FiniteLogits.logprob(state.logits[off + target], LogSoftmax.logSumExp(state.logits, off, vocab), done + t);
                logprobs[j] = (float) lp;
                sum += lp;
                greedy &= LogSoftmax.argmax(state.logits, off, vocab) == target;
            }
        }
        return new LoglikelihoodResult(Arrays.copyOfRange(context, drop, context.length), continuation.clone(), logprobs, sum, greedy, drop);
    }

    /** Context and continuation tokens of a pair. */
    public record Split(int[] contextTokens, int[] continuationTokens) {
    }
}
