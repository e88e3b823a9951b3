package io.sparkllama.engine.sampling;

import io.sparkllama.engine.generate.SamplingParams;
import io.sparkllama.engine.tensor.kernel.VectorExp;

/**
 * Chooses the next token from logits: the logits adjusted (bias, penalties) in a copy, then greedy,
 * or temperature with top-k, top-p and min-p. Holds scratch arrays sized to the vocabulary, so
 * sampling allocates nothing; one per thread.
 */
public final class Sampler {
    private final float[] probs;
    private final int[] order;
    /** The row's logits after bias and penalties: the caller's logits stay the model's own. */
    private final float[] adjusted;

    public Sampler(int vocabSize) {
        this.probs = new float[vocabSize];
        this.order = new int[vocabSize];
        this.adjusted = new float[vocabSize];
    }

    /**
     * The next token of a sequence that has seen {@code counts} ({@code null} when {@code p} has no
     * penalties); {@code logits} are left as they are.
     */
    public int sample(float[] logits, int off, int n, SamplingParams p, SeededRandom rng, TokenCounts counts) {
        if (!p.adjustsLogits()) {
            return sample(logits, off, n, p, rng);
        }
        System.arraycopy(logits, off, adjusted, 0, n);
        adjust(adjusted, p, counts);
        return sample(adjusted, 0, n, p, rng);
    }

    /** Bias first (it is added to the model's logits), then the penalties. */
    static void adjust(float[] logits, SamplingParams p, TokenCounts counts) {
        p.logitBias().addTo(logits, 0);
        if (p.penalizes()) {
            LogitPenalties.apply(logits, 0, p, counts);
        }
    }

    /** The next token from unadjusted logits: greedy, or temperature with top-k, top-p and min-p. */
    public int sample(float[] logits, int off, int n, SamplingParams p, SeededRandom rng) {
        if (p.greedy()) {
            return LogSoftmax.argmax(logits, off, n);
        }
        float max = LogSoftmax.max(logits, off, n);
        float invT = 1f / p.temperature();
        double sum = VectorExp.expScaled(logits, off, n, max, invT, probs);
        int kept = n;
        boolean cut = (p.topK() > 0 && p.topK() < n) || p.topP() < 1f;
        if (!cut && p.minP() > 0f) {
            sum = dropBelow(n, p.minP() * LogSoftmax.max(probs, 0, n));
        }
        if (cut) {
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            // Order by probability, highest first, lowest id first on ties: deterministic.
            sortByProbability(0, n - 1);
            if (p.topK() > 0 && p.topK() < kept) {
                kept = p.topK();
            }
            if (p.topP() < 1f) {
                double keptMass = 0;
                for (int i = 0; i < kept; i++) {
                    keptMass += probs[order[i]];
                }
                double cum = 0;
                for (int i = 0; i < kept; i++) {
                    cum += probs[order[i]];
                    if (cum >= p.topP() * keptMass) {
                        kept = i + 1;
                        break;
                    }
                }
            }
            kept = keepAtLeastMinP(kept, p.minP());
            double mass = 0;
            for (int i = 0; i < kept; i++) {
                mass += probs[order[i]];
            }
            double coin = rng.nextFloat() * mass;
            double acc = 0;
            for (int i = 0; i < kept; i++) {
                acc += probs[order[i]];
                if (coin < acc) {
                    return order[i];
                }
            }
            return order[kept - 1];
        }
        double coin = rng.nextFloat() * sum;
        double acc = 0;
        for (int i = 0; i < n; i++) {
            acc += probs[i];
            if (coin < acc) {
                return i;
            }
        }
        return n - 1;
    }

    /**
     * Min-p without sorting: zeroes weights under {@code threshold}; returns the remaining sum,
     * added in id order so that it has the same bits at every vector width.
     */
    private double dropBelow(int n, float threshold) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            if (probs[i] < threshold) {
                probs[i] = 0f;
            }
            sum += probs[i];
        }
        return sum;
    }

    /** Min-p on the sorted kept prefix: keeps the tokens whose weight is at least {@code minP} times the first's. */
    private int keepAtLeastMinP(int kept, float minP) {
        float threshold = minP * probs[order[0]];
        while (kept > 1 && probs[order[kept - 1]] < threshold) {
            kept--;
        }
        return kept;
    }

    private boolean before(int a, int b) {
        float pa = probs[a];
        float pb = probs[b];
        return pa > pb || (pa == pb && a < b);
    }

    /** Quicksort of order[lo..hi] by {@link #before}; recursion on the smaller half only. */
    private void sortByProbability(int lo, int hi) {
        while (lo < hi) {
            int pivot = order[(lo + hi) >>> 1];
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (before(order[i], pivot)) {
                    i++;
                }
                while (before(pivot, order[j])) {
                    j--;
                }
                if (i <= j) {
                    int t = order[i];
                    order[i] = order[j];
                    order[j] = t;
                    i++;
                    j--;
                }
            }
            if (j - lo < hi - i) {
                sortByProbability(lo, j);
                lo = i;
            } else {
                sortByProbability(i, hi);
                hi = j;
            }
        }
    }
}
