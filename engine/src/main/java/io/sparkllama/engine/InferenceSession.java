package io.sparkllama.engine;

import io.sparkllama.engine.batch.BatchGenerator;
import io.sparkllama.engine.generate.GenerationRequest;
import io.sparkllama.engine.generate.GenerationResult;
import io.sparkllama.engine.generate.RequestLimits;
import io.sparkllama.engine.model.KvBlockPool;
import io.sparkllama.engine.model.KvCacheType;
import io.sparkllama.engine.parallel.WorkerPool;
import io.sparkllama.engine.score.Loglikelihood;
import io.sparkllama.engine.score.LoglikelihoodResult;
import io.sparkllama.engine.score.ScoreResult;
import io.sparkllama.engine.score.Scorer;
import java.util.List;

/** One thread's working set for an {@link Engine}: worker threads, a KV block pool within the engine's budget, scratch memory. */
public final class InferenceSession implements AutoCloseable {
    private final Engine engine;
    private final WorkerPool pool;
    private final KvBlockPool kv;
    private final int chunk;
    private Scorer scorer;
    private BatchGenerator batch;
    private Loglikelihood loglikelihood;
    private boolean closed;

    InferenceSession(Engine engine, int threads, int chunk, long kvCacheMemory, KvCacheType kvCacheType) {
        this.engine = engine;
        this.pool = new WorkerPool(threads);
        this.kv = engine.transformer().newBlockPool(kvCacheMemory, kvCacheType);
        this.chunk = chunk;
    }

    /** The KV block pool this session's requests share (capacity, peak). */
    public KvBlockPool kvPool() {
        return kv;
    }

    /**
     * The most new tokens {@code request} can get; throws {@link io.sparkllama.engine.error.InvalidRequestException}
     * (a {@link io.sparkllama.engine.error.KvCacheBudgetException} when it cannot fit the KV budget alone) for a request
     * this session cannot serve, so callers can turn it into a row error before batching.
     */
    public int check(GenerationRequest request) {
        return RequestLimits.maxNewTokens(request, engine.transformer(), kv);
    }

    public Engine engine() {
        return engine;
    }

    /** One completion: a batch of one through the same loop as {@link #generateAll}, so the two agree by construction. */
    public GenerationResult generate(GenerationRequest request) {
        return generateAll(List.of(request), 1).get(0);
    }

    /**
     * Generates every request with continuous batching, at most {@code maxBatch} sequences at a
     * time; results in request order, each bitwise what {@link #generate} gives for it alone.
     * Sequences share the session's KV block pool (see {@link BatchGenerator} for a full pool).
     */
    public List<GenerationResult> generateAll(List<GenerationRequest> requests, int maxBatch) {
        return batchGenerator(maxBatch).generateAll(requests);
    }

    /**
     * The session's generation loop for at most {@code maxBatch} sequences at once, for callers that
     * stream requests into it ({@link BatchGenerator#submit}, {@link BatchGenerator#step}); it
     * replaces the one of another size.
     */
    public BatchGenerator batchGenerator(int maxBatch) {
        if (batch == null || batch.maxBatch() != maxBatch) {
            batch = new BatchGenerator(engine.transformer(), engine.tokenizer(), pool, kv, maxBatch, chunk);
        }
        return batch;
    }

    public ScoreResult score(int[] tokens) {
        if (scorer == null) {
            scorer = new Scorer(engine.transformer(), pool, kv, chunk);
        }
        return scorer.score(tokens);
    }

    /** lm-eval loglikelihood of {@code continuation} after {@code context} (text; see {@link Loglikelihood}). */
    public LoglikelihoodResult loglikelihood(String context, String continuation) {
        if (loglikelihood == null) {
            loglikelihood = new Loglikelihood(engine.transformer(), engine.tokenizer(), pool, kv, chunk);
        }
        return loglikelihood.compute(context, continuation);
    }

    @Override
    public void close() {
        if (closed) {
            return; // closed at the input's end and again when the Spark task ends
        }
        closed = true;
        pool.close();
        kv.close();
    }
}
