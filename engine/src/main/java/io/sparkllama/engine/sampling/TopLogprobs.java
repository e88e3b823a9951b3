package io.sparkllama.engine.sampling;

import io.sparkllama.engine.generate.GenerationRequest;
import io.sparkllama.engine.tensor.kernel.KernelSpecies;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The k most likely ids of one logits row with their logprobs, by partial selection: a size-k
 * min-heap fed by one pass over the row, whose vector loop skips every block with no logit above
 * the heap's smallest, so nothing vocabulary-sized is sorted or allocated. Ties go to the lower id.
 * Holds k-sized scratch; one per thread.
 */
public final class TopLogprobs {
    /** The most alternatives a request may ask for per position. */
    public static final int MAX_K = GenerationRequest.MAX_TOP_LOGPROBS;
    private static final VectorSpecies<Float> S = KernelSpecies.FLOAT;
    private static final int L = KernelSpecies.LANES;

    private final int[] heapIds = new int[MAX_K];
    private final float[] heapLogits = new float[MAX_K];
    private int size;

    /**
     * Writes the {@code k} largest logits of {@code logits[off..off+n)}, most likely first (lower id
     * first on ties), as ids into {@code ids[at..at+k)} and logprobs ({@code logit - logSumExp})
     * into {@code logprobs[at..at+k)}; {@code k} at most {@code min(n, MAX_K)}.
     */
    public void select(float[] logits, int off, int n, int k, double logSumExp, int[] ids, float[] logprobs, int at) {
        if (k < 1 || k > MAX_K || k > n) {
            throw new IllegalArgumentException("k must be 1 to " + Math.min(n, MAX_K) + ", got " + k);
        }
        size = 0;
        int i = 0;
        for (; i < k; i++) {
            push(i, logits[off + i]);
        }
        int bound = i + S.loopBound(n - i);
        for (; i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, logits, off + i);
            if (v.compare(VectorOperators.GT, heapLogits[0]).anyTrue()) {
                for (int j = i; j < i + L; j++) {
                    offer(j, logits[off + j]);
                }
            }
        }
        for (; i < n; i++) {
            offer(i, logits[off + i]);
        }
        // Pop the heap smallest first into the tail of the output: most likely ends up first.
        for (int out = k - 1; out >= 0; out--) {
            ids[at + out] = heapIds[0];
            logprobs[at + out] = (float) (heapLogits[0] - logSumExp);
            size--;
            heapIds[0] = heapIds[size];
            heapLogits[0] = heapLogits[size];
            siftDown(0);
        }
    }

    private void offer(int id, float logit) {
        if (logit > heapLogits[0]) { // strictly: an equal logit with a higher id never displaces a lower one
            heapIds[0] = id;
            heapLogits[0] = logit;
            siftDown(0);
        }
    }

    private void push(int id, float logit) {
        int c = size++;
        heapIds[c] = id;
        heapLogits[c] = logit;
        while (c > 0) {
            int p = (c - 1) >>> 1;
            if (!below(c, p)) {
                break;
            }
            swap(c, p);
            c = p;
        }
    }

    /** Heap order: the root is the least likely kept entry (smaller logit, or the higher id on ties). */
    private boolean below(int a, int b) {
        float la = heapLogits[a];
        float lb = heapLogits[b];
        return la < lb || (la == lb && heapIds[a] > heapIds[b]);
    }

    private void siftDown(int c) {
        for (;;) {
            int l = 2 * c + 1;
            if (l >= size) {
                return;
            }
            int m = l + 1 < size && below(l + 1, l) ? l + 1 : l;
            if (!below(m, c)) {
                return;
            }
            swap(c, m);
            c = m;
        }
    }

    private void swap(int a, int b) {
        int id = heapIds[a];
        heapIds[a] = heapIds[b];
        heapIds[b] = id;
        float v = heapLogits[a];
        heapLogits[a] = heapLogits[b];
        heapLogits[b] = v;
    }
}
