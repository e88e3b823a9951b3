package io.sparkllama.engine.score;

import io.sparkllama.engine.error.InvalidRequestException;
import io.sparkllama.engine.error.KvCacheBudgetException;
import io.sparkllama.engine.error.NonFiniteLogitsException;
import io.sparkllama.engine.model.ForwardState;
import io.sparkllama.engine.model.KvBlockPool;
import io.sparkllama.engine.model.KvCache;
import io.sparkllama.engine.model.PrefixCache;
import io.sparkllama.engine.model.PrefixPath;
import io.sparkllama.engine.model.Transformer;
import io.sparkllama.engine.parallel.WorkerPool;
import io.sparkllama.engine.sampling.FiniteLogits;
import io.sparkllama.engine.sampling.LogSoftmax;
import io.sparkllama.engine.sampling.TopLogprobs;
import java.util.ArrayList;
import java.util.List;

/**
 * Scores many sequences together: each forward step is filled with up to {@code stepTokens}
 * tokens taken from several sequences (a long one spans steps), each sequence with its own KV
 * blocks, so short rows run as matrix-matrix products as long ones do. With a {@link PrefixCache}
 * a sequence starts after the longest prefix already computed (and its logprobs). Every token's
 * numbers are computed on their own, so each result is bitwise what {@link Scorer} or
 * {@link Loglikelihood} gives for the request alone. One per session thread.
 */
public final class PackedScorer {
    /**
     * Step tokens by default, within the 256-512 the kernels want; on synth15M (2 busy cores,
     * bench/results/step-tokens-synth15M.json) 64 to 512 were within the machine's noise.
     */
    public static final int DEFAULT_STEP_TOKENS = 256;
    /**
     * The most step tokens: a step's scratch (activations of every token in it) is sized by the
     * step, outside the KV budget, so it is capped (about 370 MiB at Llama 3.1 8B's shape).
     */
    public static final int MAX_STEP_TOKENS = 2048;
    /** Logit rows taken at once: the logits buffer stays this size whatever the step. */
    private static final int LOGIT_ROWS = 64;
    /** Pending requests looked at per step for admission (past ones waiting for a shared prefix). */
    private static final int LOOKAHEAD = 256;

    private final Transformer model;
    private final KvBlockPool kv;
    private final PrefixCache prefixes;
    private final ForwardState state;
    private final int stepTokens;
    private final int vocab;
    private final Sequence[] logitOwner;
    /** Alternatives per target (0 for none); while set, no prefix is reused (reused positions have no logits). */
    private int topLogprobs;
    private final TopLogprobs top = new TopLogprobs();
    /** The step being filled: tokens and logit rows so far. */
    private int n;
    private int logits;
    private long positionsRequested;
    private long positionsComputed;
    private long steps;

    /** @param prefixes the session's prefix cache, or null to compute every sequence whole */
    public PackedScorer(Transformer model, WorkerPool pool, KvBlockPool kv, int stepTokens, PrefixCache prefixes) {
        if (stepTokens < 1 || stepTokens > MAX_STEP_TOKENS) {
            throw new InvalidRequestException("step tokens must be 1 to " + MAX_STEP_TOKENS + ", got " + stepTokens);
        }
        this.model = model;
        this.kv = kv;
        this.prefixes = prefixes;
        this.stepTokens = stepTokens;
        this.state = model.newState(stepTokens, LOGIT_ROWS, pool);
        this.vocab = model.config().vocabSize();
        this.logitOwner = new Sequence[stepTokens];
    }

    /**
     * Asks for the {@code k} most likely ids and logprobs at every target from now on (0 to stop);
     * prefix sharing is off meanwhile, since reused positions come without logits.
     */
    public void topLogprobs(int k) {
        if (k < 0 || k > TopLogprobs.MAX_K || k > vocab) {
            throw new InvalidRequestException("top_logprobs must be 0 to " + Math.min(TopLogprobs.MAX_K, vocab) + ", got " + k);
        }
        this.topLogprobs = k;
    }

    public int stepTokens() {
        return stepTokens;
    }

    public boolean sharesPrefixes() {
        return prefixes != null;
    }

    /** Forward steps run, all calls together. */
    public long steps() {
        return steps;
    }

    /** Positions the requests asked to run, all calls together. */
    public long positionsRequested() {
        return positionsRequested;
    }

    /** Positions actually run (the rest came from the prefix cache). */
    public long positionsComputed() {
        return positionsComputed;
    }

    /** Scores every request; results in request order, an invalid request's as its error. */
    public List<SequenceScore> scoreAll(List<ScoringRequest> requests) {
        SequenceScore[] out = new SequenceScore[requests.size()];
        List<Sequence> pending = new ArrayList<>(requests.size());
        for (int i = 0; i < out.length; i++) {
            ScoringRequest r = requests.get(i);
            try {
                check(r);
                pending.add(new Sequence(i, r, topLogprobs));
            } catch (InvalidRequestException e) {
                out[i] = SequenceScore.failed(e);
            }
        }
        List<Sequence> active = new ArrayList<>();
        try {
            while (!pending.isEmpty() || !active.isEmpty()) {
                step(pending, active, out);
            }
        } finally {
            for (Sequence s : active) {
                s.free();
            }
        }
        return java.util.Arrays.asList(out);
    }

    private void check(ScoringRequest r) {
        VocabularyRange.check(r.tokens(), vocab);
        int limit = model.maxPositions();
        if (r.fed() > limit) {
            throw new InvalidRequestException("text has " + r.tokens().length + " tokens, over the context of " + limit + " (+1 target)");
        }
        kv.requireFits(r.fed(), r.tokens().length + " tokens to score, the last one only a target");
    }

    private void step(List<Sequence> pending, List<Sequence> active, SequenceScore[] out) {
        n = 0;
        logits = 0;
        for (Sequence s : active) {
            if (n == stepTokens) {
                break;
            }
            fill(s);
        }
        for (int i = 0; i < pending.size() && i < LOOKAHEAD && n < stepTokens; ) {
            Sequence s = pending.get(i);
            Admission a = admit(s, active.isEmpty());
            if (a == Admission.WAIT) {
                i++;
                continue;
            }
            if (a == Admission.FULL) {
                break;
            }
            pending.remove(i);
            if (a == Admission.FAILED || s.next == s.fed) {
                finish(s, out);
                continue;
            }
            active.add(s);
            fill(s);
        }
        if (n > 0) {
            run();
            steps++;
        }
        for (int i = 0; i < active.size(); ) {
            Sequence s = active.get(i);
            s.next += s.stepped;
            s.stepped = 0;
            if (s.path != null && s.error == null) {
                s.path.computed(s.next);
            }
            if (s.next == s.fed || s.error != null) {
                active.remove(i);
                finish(s, out);
            } else {
                i++;
            }
        }
    }

    /** Adds as many of {@code s}'s next positions as fit the step. */
    private void fill(Sequence s) {
        int take = Math.min(s.fed - s.next, stepTokens - n);
        int firstLogit = s.firstTarget - 1;
        for (int i = 0; i < take; i++) {
            int p = s.next + i;
            state.tokens[n] = s.tokens[p];
            state.positions[n] = p;
            state.caches[n] = s.cache;
            if (p >= firstLogit) {
                state.logitTokens[logits] = n;
                logitOwner[logits++] = s;
            }
            n++;
        }
        s.stepped = take;
    }

    private void run() {
        model.forwardLayers(n, state);
        for (int first = 0; first < logits; first += state.maxLogits()) {
            int count = Math.min(state.maxLogits(), logits - first);
            model.logits(first, count, state);
            for (int j = 0; j < count; j++) {
                Sequence s = logitOwner[first + j];
                logitOwner[first + j] = null;
                if (s.error != null) {
                    continue;
                }
                int p = state.positions[state.logitTokens[first + j]];
                int target = s.tokens[p + 1];
                int off = j * vocab;
                double lp;
                double lse = LogSoftmax.logSumExp(state.logits, off, vocab);
                try {
                    lp = FiniteLogits.logprob(state.logits[off + target], lse, p);
                } catch (NonFiniteLogitsException e) {
                    s.error = e;
                    continue;
                }
                if (s.topK > 0) {
                    top.select(state.logits, off, vocab, s.topK, lse, s.topIds, s.topLogprobs, (p + 1 - s.firstTarget) * s.topK);
                }
                boolean greedy = LogSoftmax.argmax(state.logits, off, vocab) == target;
                s.add(p + 1, lp, greedy);
                if (s.path != null) {
                    s.path.record(p + 1, lp, greedy);
                }
            }
        }
    }

    private enum Admission { ADMITTED, WAIT, FULL, FAILED }

    /** Takes KV blocks for {@code s} (and what the prefix cache holds of it); {@code alone}: nothing else holds blocks. */
    private Admission admit(Sequence s, boolean alone) {
        if (s.cache == null) {
            s.cache = model.newCache(kv);
        }
        int reused = 0;
        if (prefixes != null && s.topK == 0) {
            PrefixPath path = prefixes.acquire(s.tokens, s.fed, s.firstTarget - 1, s.cache);
            if (path == PrefixPath.WAIT) {
                return Admission.WAIT;
            }
            if (path == null) {
                return full(s, alone);
            }
            s.path = path;
            reused = path.reused();
            for (int t = s.firstTarget; t <= reused; t++) {
                s.add(t, path.logprob(t), path.greedy(t));
            }
        } else if (!s.cache.reserve(s.fed)) {
            s.cache.release();
            return full(s, alone);
        }
        s.next = reused;
        positionsRequested += s.fed;
        positionsComputed += s.fed - reused;
        return Admission.ADMITTED;
    }

    private Admission full(Sequence s, boolean alone) {
        if (!alone) {
            return Admission.FULL;
        }
        // Cannot happen after requireFits with every block free; kept so a bug fails the row, not the loop.
        s.error = new KvCacheBudgetException("no room in kv_cache_memory for " + s.fed + " positions with nothing else running; raise kv_cache_memory");
        return Admission.FAILED;
    }

    private void finish(Sequence s, SequenceScore[] out) {
        s.free();
        out[s.index] = s.error != null ? SequenceScore.failed(s.error) : new SequenceScore(s.logprobs, s.sum, s.greedy, null, s.topIds, s.topLogprobs);
    }

    /** One request in flight. */
    private static final class Sequence {
        final int index;
        final int[] tokens;
        final int fed;
        final int firstTarget;
        final float[] logprobs;
        final int topK;
        final int[] topIds;
        final float[] topLogprobs;
        double sum;
        boolean greedy = true;
        KvCache cache;
        PrefixPath path;
        /** Next position to feed, and positions added to the current step. */
        int next;
        int stepped;
        InvalidRequestException error;

        Sequence(int index, ScoringRequest r, int topK) {
            this.index = index;
            this.tokens = r.tokens();
            this.fed = r.fed();
            this.firstTarget = r.firstTarget();
            this.logprobs = new float[tokens.length - firstTarget];
            this.topK = topK;
            this.topIds = new int[logprobs.length * topK];
            this.topLogprobs = new float[logprobs.length * topK];
        }

        /** The logprob of {@code tokens[target]}; targets come in order, so the fp64 sum is the one-at-a-time sum. */
        void add(int target, double lp, boolean isGreedy) {
            logprobs[target - firstTarget] = (float) lp;
            sum += lp;
            greedy &= isGreedy;
        }

        void free() {
            if (path != null) {
                path.release();
                path = null;
            } else if (cache != null) {
                cache.release();
            }
            cache = null;
        }
    }
}
