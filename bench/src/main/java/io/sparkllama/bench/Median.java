package io.sparkllama.bench;

import java.util.Arrays;

/** Median of repeated measurements: the figure to quote on a noisy shared machine. */
final class Median {
    private Median() {
    }

    static double of(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
}
