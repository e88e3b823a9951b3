package io.sparkllama.engine.sampling;

import io.sparkllama.engine.generate.SamplingParams;
import io.sparkllama.engine.tensor.kernel.VectorExp;

/**
 * Chooses the next token from logits: greedy, or temperature with top-k and top-p. Holds scratch
 * arrays sized to the vocabulary, so sampling allocates nothing; one per thread.
 */
public final class Sampler {
    private final float[] probs;
    private final int[] order;

    public Sampler(int vocabSize) {
        this.probs = new float[vocabSize];
        this.order = new int[vocabSize];
    }

    public int sample(float[] logits, int off, int n, SamplingParams p, SeededRandom rng) {
        if (p.greedy()) {
            return LogSoftmax.argmax(logits, off, n);
        }
        float max = LogSoftmax.max(logits, off, n);
        float invT = 1f / p.temperature();
        double sum = VectorExp.expScaled(logits, off, n, max, invT, probs);
        int kept = n;
        boolean cut = (p.topK() > 0 && p.topK() < n) || p.topP() < 1f;
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
