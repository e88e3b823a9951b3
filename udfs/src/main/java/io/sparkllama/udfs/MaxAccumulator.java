package io.sparkllama.udfs;

import org.apache.spark.SparkContext;
import org.apache.spark.util.AccumulatorV2;

/** A Spark accumulator of the largest value any task added: executors' memory peaks, read on the driver. */
public final class MaxAccumulator extends AccumulatorV2<Long, Long> {
    private long max = Long.MIN_VALUE;

    /** A new accumulator registered with {@code sc} under {@code name} (shown in the Spark UI). */
    public static MaxAccumulator register(SparkContext sc, String name) {
        MaxAccumulator a = new MaxAccumulator();
        sc.register(a, name);
        return a;
    }

    @Override
    public boolean isZero() {
        return max == Long.MIN_VALUE;
    }

    @Override
    public AccumulatorV2<Long, Long> copy() {
        MaxAccumulator c = new MaxAccumulator();
        c.max = max;
        return c;
    }

    @Override
    public void reset() {
        max = Long.MIN_VALUE;
    }

    @Override
    public void add(Long v) {
        add(v.longValue());
    }

    /** Adds without boxing. */
    public void add(long v) {
        max = Math.max(max, v);
    }

    @Override
    public void merge(AccumulatorV2<Long, Long> other) {
        max = Math.max(max, ((MaxAccumulator) other).max);
    }

    /** The largest value added, or 0 when none was. */
    @Override
    public Long value() {
        return isZero() ? 0L : max;
    }
}
