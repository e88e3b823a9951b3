package io.sparkllama.engine.batch;

import io.sparkllama.engine.generate.FinishReason;
import io.sparkllama.engine.generate.GenerationRequest;
import io.sparkllama.engine.generate.GenerationResult;
import io.sparkllama.engine.generate.RequestLimits;
import io.sparkllama.engine.model.ForwardState;
import io.sparkllama.engine.model.Transformer;
import io.sparkllama.engine.parallel.WorkerPool;
import io.sparkllama.engine.sampling.FiniteLogits;
import io.sparkllama.engine.sampling.Sampler;
import io.sparkllama.engine.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.List;

/**
 * Continuous batching: each forward step advances every running sequence by one token (their
 * tokens share the same weight loads) and spends the rest of the step's token budget on the
 * prompts of sequences that joined, in chunks. A finished sequence leaves at once and the next
 * queued request takes its place and its KV cache. Each request's tokens, logprobs and text are
 * bitwise those of {@link io.sparkllama.engine.generate.Generator} for the same request and seed,
 * whatever else shares its steps. One per thread.
 */
public final class BatchGenerator {
    private final Transformer model;
    private final Tokenizer tokenizer;
    private final int maxBatch;
    private final int prefillChunk;
    private final ForwardState state;
    private final KvCachePool caches;
    /** One per pool thread: sampling scratch is vocabulary-sized. */
    private final Sampler[] samplers;
    /** Which sequence each logits row of the current step belongs to. */
    private final SequenceState[] logitOwners;
    /** Per logits row of the current step: the sampled token and its log-probability. */
    private final int[] chosen;
    private final float[] chosenLogprobs;
    private final WorkerPool.WorkerRangeTask sampleRows = this::sampleRows;

    /**
     * @param maxBatch     most sequences decoding at once (and KV caches held)
     * @param prefillChunk prompt tokens per step beyond the decoding sequences' own
     */
    public BatchGenerator(Transformer model, Tokenizer tokenizer, WorkerPool pool, int maxBatch, int prefillChunk) {
        if (maxBatch < 1 || prefillChunk < 1) {
            throw new IllegalArgumentException("maxBatch and prefillChunk must be >= 1");
        }
        this.model = model;
        this.tokenizer = tokenizer;
        this.maxBatch = maxBatch;
        this.prefillChunk = prefillChunk;
        this.state = model.newState(maxBatch + prefillChunk, pool);
        this.caches = new KvCachePool(model, maxBatch);
        this.samplers = new Sampler[pool.threads()];
        for (int i = 0; i < samplers.length; i++) {
            samplers[i] = new Sampler(model.config().vocabSize());
        }
        this.logitOwners = new SequenceState[maxBatch + prefillChunk];
        this.chosen = new int[maxBatch + prefillChunk];
        this.chosenLogprobs = new float[maxBatch + prefillChunk];
    }

    public int maxBatch() {
        return maxBatch;
    }

    /** Generates every request, at most {@code maxBatch} at a time; results in request order. */
    public List<GenerationResult> generateAll(List<GenerationRequest> requests) {
        int total = requests.size();
        int[] maxNew = new int[total];
        for (int i = 0; i < total; i++) {
            maxNew[i] = RequestLimits.maxNewTokens(requests.get(i), model); // fail before any work
        }
        GenerationResult[] results = new GenerationResult[total];
        List<SequenceState> running = new ArrayList<>(maxBatch);
        int next = 0;
        while (next < total || !running.isEmpty()) {
            while (next < total && running.size() < maxBatch) {
                if (maxNew[next] == 0) {
                    results[next] = new SequenceState(next, requests.get(next), 0, null, System.nanoTime()).result(System.nanoTime());
                } else {
                    running.add(new SequenceState(next, requests.get(next), maxNew[next], caches.take(), System.nanoTime()));
                }
                next++;
            }
            if (running.isEmpty()) {
                continue;
            }
            int nLogits = step(running);
            int vocab = model.config().vocabSize();
            state.pool().parallelFor(nLogits, 1, 16L * nLogits * vocab, sampleRows);
            long now = System.nanoTime();
            for (int j = 0; j < nLogits; j++) {
                SequenceState s = logitOwners[j];
                logitOwners[j] = null;
                if (accept(s, chosen[j], chosenLogprobs[j], now)) {
                    caches.release(s.cache);
                    s.cache = null;
                    results[s.index] = s.result(now);
                    running.remove(s);
                }
            }
        }
        return List.of(results);
    }

    /** Builds and runs one step: decode tokens first, then prompt chunks in join order. Returns the logits rows. */
    private int step(List<SequenceState> running) {
        ForwardState st = state;
        int n = 0;
        int nLogits = 0;
        for (int i = 0; i < running.size(); i++) {
            SequenceState s = running.get(i);
            if (!s.prefilling()) {
                st.tokens[n] = s.pending;
                st.positions[n] = s.pos;
                st.caches[n] = s.cache;
                st.logitTokens[nLogits] = n;
                logitOwners[nLogits++] = s;
                n++;
            }
        }
        int budget = n + prefillChunk;
        for (int i = 0; i < running.size() && n < budget; i++) {
            SequenceState s = running.get(i);
            if (!s.prefilling()) {
                continue;
            }
            int k = Math.min(budget - n, s.prompt.length - s.prefilled);
            for (int j = 0; j < k; j++) {
                st.tokens[n] = s.prompt[s.prefilled];
                st.positions[n] = s.prefilled++;
                st.caches[n++] = s.cache;
            }
            if (!s.prefilling()) {
                st.logitTokens[nLogits] = n - 1;
                logitOwners[nLogits++] = s;
                s.pos = s.prompt.length;
            }
        }
        model.forward(n, nLogits, st);
        return nLogits;
    }

    /** Samples logits rows [start, end) of the step, as Generator does: each row has its own sequence and RNG. */
    private void sampleRows(int worker, int start, int end) {
        int vocab = model.config().vocabSize();
        float[] logits = state.logits;
        Sampler sampler = samplers[worker];
        for (int j = start; j < end; j++) {
            SequenceState s = logitOwners[j];
            int off = j * vocab;
            double lse = FiniteLogits.logSumExp(logits, off, vocab, s.pos);
            int next = sampler.sample(logits, off, vocab, s.request.sampling(), s.rng);
            chosen[j] = next;
            chosenLogprobs[j] = (float) FiniteLogits.logprob(logits[off + next], lse, s.pos);
        }
    }

    /** Appends a sampled token to its sequence; true when the sequence is done. */
    private boolean accept(SequenceState s, int next, float logprob, long now) {
        if (s.count == 0) {
            s.firstTokenNanos = now;
        }
        s.logprobs[s.count] = logprob;
        s.out[s.count++] = next;
        if (tokenizer.isStopToken(next) || s.request.isStopToken(next)) {
            s.reason = FinishReason.STOP;
            return true;
        }
        s.text.append(tokenizer.decodeBytes(s.previous, next));
        s.previous = next;
        if (s.count == s.maxNew) {
            return true;
        }
        s.pending = next;
        if (s.count > 1) {
            s.pos++;
        }
        return false;
    }
}
