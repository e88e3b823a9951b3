package io.sparkllama.engine;

import io.sparkllama.engine.batch.BatchGenerator;
import io.sparkllama.engine.generate.GenerationLoop;
import io.sparkllama.engine.generate.GenerationRequest;
import io.sparkllama.engine.generate.GenerationResult;
import io.sparkllama.engine.generate.RequestLimits;
import io.sparkllama.engine.model.KvBlockPool;
import io.sparkllama.engine.model.PrefixCache;
import io.sparkllama.engine.parallel.WorkerPool;
import io.sparkllama.engine.score.Loglikelihood;
import io.sparkllama.engine.score.LoglikelihoodResult;
import io.sparkllama.engine.score.PackedScorer;
import io.sparkllama.engine.score.ScoreResult;
import io.sparkllama.engine.score.Scorer;
import io.sparkllama.engine.score.ScoringRequest;
import io.sparkllama.engine.score.SequenceScore;
import io.sparkllama.engine.settings.KvCacheType;
import java.util.ArrayList;
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
    private PrefixCache prefixes;
    private PackedScorer packed;

    InferenceSession(Engine engine, int threads, int chunk, long kvCacheMemory, KvCacheType kvCacheType) {
        this.engine = engine;
        this.pool = new WorkerPool(threads);
        this.kv = engine.transformer().newBlockPool(kvCacheMemory, kvCacheType);
        this.chunk = chunk;
    }

    /** The KV block pool this session's requests share (capacity, peak), for the engine's own packages: callers use {@link MemoryUsage}. */
    public KvBlockPool kvPool() {
        return kv;
    }

    /** Names where this session's KV budget comes from in its budget errors, e.g. "this task's share of kv_cache_memory (...)". */
    public void describeKvBudget(String source) {
        kv.describeBudget(source);
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
     * stream requests into it ({@link GenerationLoop#submit}, {@link GenerationLoop#step}); it
     * replaces the one of another size.
     */
    public GenerationLoop batchGenerator(int maxBatch) {
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

    /**
     * The session's packed scorer: steps of {@code stepTokens} tokens from many sequences, sharing
     * computed prefixes through the session's prefix cache when {@code sharePrefixes} (the cache
     * lives as long as the session, so later calls reuse what earlier ones computed). It comes
     * without top-k alternatives ({@link PackedScorer#topLogprobs}) whatever an earlier caller asked.
     */
    public PackedScorer packedScorer(int stepTokens, boolean sharePrefixes) {
        if (packed == null || packed.stepTokens() != stepTokens || packed.sharesPrefixes() != sharePrefixes) {
            if (sharePrefixes && prefixes == null) {
                prefixes = new PrefixCache(kv);
            }
            packed = new PackedScorer(engine.transformer(), pool, kv, stepTokens, sharePrefixes ? prefixes : null);
        }
        packed.topLogprobs(0);
        return packed;
    }

    /**
     * Scores every sequence in packed steps ({@link PackedScorer#DEFAULT_STEP_TOKENS}), each
     * result bitwise what {@link #score} gives it; the first invalid sequence's error is thrown.
     * A result's time is the call's, shared out by positions run.
     */
    public List<ScoreResult> scoreAll(List<int[]> sequences) {
        List<ScoringRequest> requests = new ArrayList<>(sequences.size());
        long positions = 0;
        for (int[] s : sequences) {
            requests.add(ScoringRequest.all(s));
            positions += s.length - 1;
        }
        long t0 = System.nanoTime();
        List<SequenceScore> scores = packedScorer(PackedScorer.DEFAULT_STEP_TOKENS, false).scoreAll(requests);
        long nanos = System.nanoTime() - t0;
        List<ScoreResult> out = new ArrayList<>(scores.size());
        for (int i = 0; i < scores.size(); i++) {
            SequenceScore s = scores.get(i).orThrow();
            int[] tokens = sequences.get(i);
            out.add(new ScoreResult(tokens, s.logprobs(), s.sumLogprob(), positions == 0 ? 0 : nanos * (tokens.length - 1) / positions));
        }
        return out;
    }

    /** lm-eval loglikelihood of {@code continuation} after {@code context} (text; see {@link Loglikelihood}). */
    public LoglikelihoodResult loglikelihood(String context, String continuation) {
        return loglikelihoods().compute(context, continuation);
    }

    /** The session's loglikelihood calculator: token splits and {@link Loglikelihood#prepare} for packed scoring. */
    public Loglikelihood loglikelihoods() {
        if (loglikelihood == null) {
            loglikelihood = new Loglikelihood(engine.transformer(), engine.tokenizer(), pool, kv, chunk);
        }
        return loglikelihood;
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
