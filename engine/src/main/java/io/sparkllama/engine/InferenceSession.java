package io.sparkllama.engine;

import io.sparkllama.engine.batch.BatchGenerator;
import io.sparkllama.engine.generate.GenerationRequest;
import io.sparkllama.engine.generate.GenerationResult;
import io.sparkllama.engine.generate.Generator;
import io.sparkllama.engine.parallel.WorkerPool;
import io.sparkllama.engine.score.Loglikelihood;
import io.sparkllama.engine.score.LoglikelihoodResult;
import io.sparkllama.engine.score.ScoreResult;
import io.sparkllama.engine.score.Scorer;
import java.util.List;

/** One thread's working set for an {@link Engine}: worker threads, KV cache and scratch memory. */
public final class InferenceSession implements AutoCloseable {
    private final Engine engine;
    private final WorkerPool pool;
    private final int chunk;
    private Generator generator;
    private Scorer scorer;
    private BatchGenerator batch;
    private Loglikelihood loglikelihood;

    InferenceSession(Engine engine, int threads, int chunk) {
        this.engine = engine;
        this.pool = new WorkerPool(threads);
        this.chunk = chunk;
    }

    public Engine engine() {
        return engine;
    }

    public GenerationResult generate(GenerationRequest request) {
        if (generator == null) {
            generator = new Generator(engine.transformer(), engine.tokenizer(), pool, chunk);
        }
        return generator.generate(request);
    }

    /**
     * Generates every request with continuous batching, at most {@code maxBatch} sequences at a
     * time; results in request order, each bitwise what {@link #generate} gives for it alone.
     * KV caches (up to {@code maxBatch}) are kept for the next call with the same batch size.
     */
    public List<GenerationResult> generateAll(List<GenerationRequest> requests, int maxBatch) {
        if (batch == null || batch.maxBatch() != maxBatch) {
            batch = null; // let the old caches go before the new ones are made
            batch = new BatchGenerator(engine.transformer(), engine.tokenizer(), pool, maxBatch, chunk);
        }
        try {
            return batch.generateAll(requests);
        } catch (RuntimeException e) {
            batch = null; // its sequences are mid-flight: the next call starts clean
            throw e;
        }
    }

    public ScoreResult score(int[] tokens) {
        if (scorer == null) {
            scorer = new Scorer(engine.transformer(), pool, chunk);
        }
        return scorer.score(tokens);
    }

    /** lm-eval loglikelihood of {@code continuation} after {@code context} (text; see {@link Loglikelihood}). */
    public LoglikelihoodResult loglikelihood(String context, String continuation) {
        if (loglikelihood == null) {
            loglikelihood = new Loglikelihood(engine.transformer(), engine.tokenizer(), pool, chunk);
        }
        return loglikelihood.compute(context, continuation);
    }

    @Override
    public void close() {
        pool.close();
    }
}
