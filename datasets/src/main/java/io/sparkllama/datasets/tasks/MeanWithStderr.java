package io.sparkllama.datasets.tasks;

/**
 * A metric's mean over items and lm-eval's standard error of it: the sample standard deviation
 * (n - 1) divided by sqrt(n); NaN for fewer than two items.
 */
public record MeanWithStderr(double mean, double stderr, int n) {
    public static MeanWithStderr of(double[] values) {
        int n = values.length;
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        double mean = n == 0 ? Double.NaN : sum / n;
        if (n < 2) {
            return new MeanWithStderr(mean, Double.NaN, n);
        }
        double ss = 0;
        for (double v : values) {
            ss += (v - mean) * (v - mean);
        }
        return new MeanWithStderr(mean, Math.sqrt(ss / (n - 1)) / Math.sqrt(n), n);
    }
}
