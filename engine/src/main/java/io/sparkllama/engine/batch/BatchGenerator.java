package io.sparkllama.engine.batch;

import io.sparkllama.engine.error.InvalidRequestException;
import io.sparkllama.engine.generate.FinishReason;
import io.sparkllama.engine.generate.GenerationLoop;
import io.sparkllama.engine.generate.GenerationRequest;
import io.sparkllama.engine.generate.GenerationResult;
import io.sparkllama.engine.generate.RequestLimits;
import io.sparkllama.engine.model.ForwardState;
import io.sparkllama.engine.model.KvBlockPool;
import io.sparkllama.engine.model.Transformer;
import io.sparkllama.engine.parallel.WorkerPool;
import io.sparkllama.engine.sampling.FiniteLogits;
import io.sparkllama.engine.sampling.Sampler;
import io.sparkllama.engine.sampling.TopLogprobs;
import io.sparkllama.engine.structured.OutputConstraint;
import io.sparkllama.engine.structured.TokenMask;
import io.sparkllama.engine.structured.TokenTrie;
import io.sparkllama.engine.tokenizer.Tokenizer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * The generation loop: continuous batching. Each forward step advances every running sequence by
 * one token (their tokens share the same weight loads) and spends the rest of the step's token
 * budget on the prompts of sequences that joined, in chunks. A finished sequence leaves at once
 * and gives its KV blocks back; the next queued request joins once the blocks of its whole prompt
 * are free. When a decoding sequence needs a block and the pool is spent, the newest running
 * sequence is preempted: its blocks go back, it waits at the head of the queue, and on rejoining it
 * recomputes its keys and values from its prompt and the tokens it had sampled (the same bits,
 * since a token's numbers never depend on the batch), then goes on sampling where it stopped.
 *
 * <p>Requests come either all at once ({@link #generateAll}; a single request is a batch of one)
 * or as a stream ({@link #submit} while {@link #hasRoom}, {@link #step} until {@link #isIdle}),
 * so that a caller can let new requests join as others finish. Each request's tokens, logprobs and
 * text are bitwise the same whatever else shares its steps, the batch size or the arrival order.
 * One per thread.
 */
public final class BatchGenerator implements GenerationLoop {
    private final Transformer model;
    private final Tokenizer tokenizer;
    private final int maxBatch;
    private final int prefillChunk;
    private final ForwardState state;
    private final KvBlockPool kv;
    /** One per pool thread: sampling scratch is vocabulary-sized. */
    private final Sampler[] samplers;
    /** Per pool thread: top-k selection scratch and the structured-output mask (vocabulary-sized, made on first use). */
    private final TopLogprobs[] tops;
    private final TokenMask[] masks;
    /** Which sequence each logits row of the current step belongs to. */
    private final SequenceState[] logitOwners;
    /** Per logits row of the current step: the sampled token and its log-probability. */
    private final int[] chosen;
    private final float[] chosenLogprobs;
    private final WorkerPool.WorkerRangeTask sampleRows = this::sampleRows;
    /** Sequences in the batch, in join order. */
    private final List<SequenceState> running;
    /** Sequences waiting for a slot and KV blocks: preempted ones first, then new ones in submission order. */
    private final ArrayDeque<SequenceState> waiting = new ArrayDeque<>();
    /** Requests with nothing to generate, reported at the next step. */
    private final ArrayDeque<SequenceState> ready = new ArrayDeque<>();
    private long preemptions;
    private long steps;

    /**
     * @param kv           the KV block pool the sequences share
     * @param maxBatch     most sequences decoding at once
     * @param prefillChunk prompt tokens per step beyond the decoding sequences' own
     */
    public BatchGenerator(Transformer model, Tokenizer tokenizer, WorkerPool pool, KvBlockPool kv, int maxBatch, int prefillChunk) {
        if (maxBatch < 1 || prefillChunk < 1) {
            throw new IllegalArgumentException("maxBatch and prefillChunk must be >= 1");
        }
        this.model = model;
        this.tokenizer = tokenizer;
        this.maxBatch = maxBatch;
        this.prefillChunk = prefillChunk;
        this.state = model.newState(maxBatch + prefillChunk, pool);
        this.kv = kv;
        this.samplers = new Sampler[pool.threads()];
        this.tops = new TopLogprobs[pool.threads()];
        this.masks = new TokenMask[pool.threads()];
        for (int i = 0; i < samplers.length; i++) {
            samplers[i] = new Sampler(model.config().vocabSize());
            tops[i] = new TopLogprobs();
        }
        this.logitOwners = new SequenceState[maxBatch + prefillChunk];
        this.chosen = new int[maxBatch + prefillChunk];
        this.chosenLogprobs = new float[maxBatch + prefillChunk];
        this.running = new ArrayList<>(maxBatch);
    }

    public int maxBatch() {
        return maxBatch;
    }

    /** Forward steps run so far: the tokens sampled over this is how full the batch was kept. */
    public long steps() {
        return steps;
    }

    /** Sequences preempted so far because the KV pool was spent (each later recomputed its cache). */
    public long preemptions() {
        return preemptions;
    }

    /**
     * Generates every request, at most {@code maxBatch} at a time; results in request order.
     *
     * @throws io.sparkllama.engine.error.InvalidRequestException before any work, for a request
     *         over the context or one that cannot fit the KV budget even alone
     */
    public List<GenerationResult> generateAll(List<GenerationRequest> requests) {
        int total = requests.size();
        int[] maxNew = new int[total];
        for (int i = 0; i < total; i++) {
            maxNew[i] = check(requests.get(i)); // fail before any work
        }
        GenerationResult[] results = new GenerationResult[total];
        Completions collect = (tag, r) -> results[(int) tag] = r;
        int next = 0;
        try {
            while (next < total || !isIdle()) {
                while (next < total && hasRoom()) {
                    enqueue(next, requests.get(next), maxNew[next]);
                    next++;
                }
                step(collect);
            }
        } finally {
            abandonAll(tag -> { });
        }
        return List.of(results);
    }

    /**
     * The most new tokens {@code request} may get here.
     *
     * @throws io.sparkllama.engine.error.InvalidRequestException for a request over the context, or
     *         one that cannot fit the KV budget even alone
     */
    public int check(GenerationRequest request) {
        int maxNew = RequestLimits.maxNewTokens(request, model, kv);
        if (request.topLogprobs() > model.config().vocabSize()) {
            throw new InvalidRequestException("top_logprobs " + request.topLogprobs() + " is over the vocabulary of " + model.config().vocabSize());
        }
        OutputConstraint constraint = SequenceState.constraint(request);
        if (constraint != null && maxNew > 0) {
            int[] prompt = request.promptTokens();
            TokenTrie.of(tokenizer, prompt[prompt.length - 1]).requireSingleByteTokens(constraint);
            int need = constraint.minBytes();
            if (need > maxNew) {
                throw new InvalidRequestException(constraint.setting() + " needs at least " + need + " tokens, but only " + maxNew
                        + " may be generated (max_tokens or the context); raise max_tokens");
            }
        }
        return maxNew;
    }

    /** True while fewer than {@code maxBatch} requests are running or queued: a caller streaming requests may submit one more. */
    public boolean hasRoom() {
        return running.size() + waiting.size() + ready.size() < maxBatch;
    }

    /** True when no request is running, queued or waiting to be reported. */
    public boolean isIdle() {
        return running.isEmpty() && waiting.isEmpty() && ready.isEmpty();
    }

    /**
     * Queues {@code request} under the caller's {@code tag}; it joins the running batch at the next
     * step with a free slot and the KV blocks for its prompt, and is reported to that step's
     * {@link Completions} when done.
     *
     * @throws io.sparkllama.engine.error.InvalidRequestException as {@link #check}, before queuing
     */
    public void submit(long tag, GenerationRequest request) {
        enqueue(tag, request, check(request));
    }

    private void enqueue(long tag, GenerationRequest request, int maxNew) {
        long now = System.nanoTime();
        if (maxNew == 0) {
            ready.add(new SequenceState(tag, request, 0, null, 0, now)); // nothing to compute: reported at the next step
        } else {
            waiting.addLast(new SequenceState(tag, request, maxNew, model.newCache(kv), model.config().vocabSize(), now));
        }
    }

    /**
     * Runs one forward step over the running batch (after admitting queued requests that fit) and
     * reports every request that finished in it. A no-op when idle.
     */
    public void step(Completions done) {
        long now = System.nanoTime();
        while (!ready.isEmpty()) {
            SequenceState s = ready.pollFirst();
            done.finished(s.tag, s.result(now));
        }
        admit();
        if (running.isEmpty()) {
            return;
        }
        makeRoomForDecode();
        int nLogits = step();
        steps++;
        int vocab = model.config().vocabSize();
        state.pool().parallelFor(nLogits, 1, 16L * nLogits * vocab, sampleRows);
        now = System.nanoTime();
        for (int j = 0; j < nLogits; j++) {
            SequenceState s = logitOwners[j];
            logitOwners[j] = null;
            if (accept(s, chosen[j], chosenLogprobs[j], now)) {
                s.cache.release();
                running.remove(s);
                done.finished(s.tag, s.result(now));
            }
        }
    }

    /**
     * Drops every running and queued request, gives their KV blocks back and tells {@code tags}
     * which they were: after a failed step, so that the generator serves new requests cleanly.
     */
    public void abandonAll(LongConsumer tags) {
        for (int j = 0; j < logitOwners.length; j++) {
            logitOwners[j] = null;
        }
        for (SequenceState s : running) {
            s.cache.release();
            tags.accept(s.tag);
        }
        for (SequenceState s : waiting) {
            s.cache.release();
            tags.accept(s.tag);
        }
        for (SequenceState s : ready) {
            tags.accept(s.tag);
        }
        running.clear();
        waiting.clear();
        ready.clear();
    }

    /**
     * Moves waiting sequences (preempted ones first, then new ones in submission order) into the
     * batch while there is a slot and the blocks for what each must prefill plus its first decode
     * position (so that a sequence just admitted is not the first to be preempted again).
     */
    private void admit() {
        while (running.size() < maxBatch && !waiting.isEmpty()) {
            SequenceState s = waiting.peekFirst();
            if (!s.cache.reserve(Math.min(s.feed.length + 1, s.kvPositions()))) {
                s.cache.release();
                if (running.isEmpty()) {
                    throw new IllegalStateException("KV pool cannot hold a request that was checked to fit alone");
                }
                break; // wait for running sequences to finish
            }
            running.add(waiting.pollFirst());
        }
    }

    /** Gives each decoding sequence, oldest first, the block for its next position, preempting the newest when the pool is spent. */
    private void makeRoomForDecode() {
        for (int i = 0; i < running.size(); i++) {
            SequenceState s = running.get(i);
            if (s.prefilling()) {
                continue;
            }
            while (!s.cache.reserve(s.pos + 1)) {
                SequenceState victim = running.remove(running.size() - 1);
                victim.cache.release();
                victim.preempt();
                preemptions++;
                waiting.addFirst(victim);
                if (victim == s) {
                    break;
                }
            }
        }
    }

    /** Builds and runs one step: decode tokens first, then prompt chunks in join order. Returns the logits rows. */
    private int step() {
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
            int k = Math.min(budget - n, s.feed.length - s.prefilled);
            for (int j = 0; j < k; j++) {
                st.tokens[n] = s.feed[s.prefilled];
                st.positions[n] = s.prefilled++;
                st.caches[n++] = s.cache;
            }
            // A preempted sequence that has recomputed its cache decodes its pending token next; no logits here.
            if (!s.prefilling() && s.count == 0) {
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
            int at = s.count == 0 ? s.prompt.length - 1 : s.pos; // the position these logits were computed at (for errors)
            double lse = FiniteLogits.logSumExp(logits, off, vocab, at);
            if (s.topK > 0) {
                tops[worker].select(logits, off, vocab, s.topK, lse, s.topIds, s.topLogprobs, s.count * s.topK);
            }
            if (s.match != null) {
                constrain(worker, s, logits, off, vocab); // after the logprobs' log-sum-exp: those stay the model's own
            }
            int next = sampler.sample(logits, off, vocab, s.request.sampling(), s.rng, s.counts);
            chosen[j] = next;
            chosenLogprobs[j] = (float) FiniteLogits.logprob(logits[off + next], lse, at);
        }
    }

    /** Masks the logits of every token the sequence's output grammar does not allow next. */
    private void constrain(int worker, SequenceState s, float[] logits, int off, int vocab) {
        if (masks[worker] == null) {
            masks[worker] = new TokenMask(vocab);
        }
        int kept = masks[worker].apply(s.match, s.maxNew - s.count, TokenTrie.of(tokenizer, s.previous), s.request.stopTokens(), logits, off, vocab);
        if (kept == 0) {
            throw new IllegalStateException("constrained decoding left no token allowed (a bug: the budget rule keeps one)");
        }
    }

    /** Whether the last token completed a stop string; the text is then cut where the match starts. */
    private static boolean reachedStopString(SequenceState s, int oldSize) {
        if (s.stopStrings.isEmpty()) {
            return false;
        }
        int at = s.stopStrings.firstMatch(s.text, oldSize);
        if (at < 0) {
            return false;
        }
        s.text.truncate(at);
        return true;
    }

    /** Appends a sampled token to its sequence; true when the sequence is done. */
    private boolean accept(SequenceState s, int next, float logprob, long now) {
        if (s.count == 0) {
            s.firstTokenNanos = now;
        }
        s.logprobs[s.count] = logprob;
        s.out[s.count++] = next;
        if (s.counts != null) {
            s.counts.addGenerated(next);
        }
        if (tokenizer.isStopToken(next) || s.request.isStopToken(next)) {
            s.reason = FinishReason.STOP;
            return true;
        }
        int oldSize = s.text.size();
        byte[] piece = tokenizer.decodeBytes(s.previous, next);
        s.text.append(piece);
        s.previous = next;
        if (s.match != null) {
            s.match = s.match.step(piece);
            if (s.match.done()) {
                s.reason = FinishReason.STOP; // the value is complete: nothing more may follow
                return true;
            }
        }
        if (reachedStopString(s, oldSize)) {
            s.reason = FinishReason.STOP;
            return true;
        }
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
