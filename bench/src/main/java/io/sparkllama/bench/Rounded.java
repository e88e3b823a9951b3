package io.sparkllama.bench;

import java.util.ArrayList;
import java.util.List;

/** Figures as the benchmark JSON reports them: two decimals. */
final class Rounded {
    private Rounded() {
    }

    static double of(double v) {
        return Math.round(v * 100) / 100.0;
    }

    /** A list, not an array, so that the progress lines print the values. */
    static List<Double> all(double[] v) {
        List<Double> r = new ArrayList<>(v.length);
        for (double x : v) {
            r.add(of(x));
        }
        return r;
    }
}
