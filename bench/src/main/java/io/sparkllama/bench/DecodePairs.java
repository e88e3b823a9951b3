package io.sparkllama.bench;

/**
 * Decode runs of ours, each followed by one run of a reference program (run.c or llama-bench):
 * tok/s per run, and the median of the per-pair ratios, which cancels the machine's drift.
 *
 * @param ours      our tok/s per run
 * @param reference the reference's tok/s per run, 0 where absent
 */
record DecodePairs(double[] ours, double[] reference) {
    double oursMedian() {
        return Median.of(ours);
    }

    double referenceMedian() {
        return Median.of(reference);
    }

    /** Median of ours / reference over the pairs; 0 without a reference. */
    double ratioMedian() {
        double[] r = new double[ours.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = reference[i] > 0 ? ours[i] / reference[i] : 0;
        }
        return Median.of(r);
    }
}
