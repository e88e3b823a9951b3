package io.sparkllama.datasets.tasks;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Which items a run evaluates, in which order: file order or a seeded shuffle, then the limit. */
public final class SampleOrder {
    private SampleOrder() {
    }

    /** Indices into the task's items. */
    public static int[] select(int size, TaskOptions options) {
        List<Integer> order = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            order.add(i);
        }
        if (options.shuffle()) {
            // Fisher-Yates with a fixed generator: the same seed gives the same order on any JVM.
            SplittableRandom rng = new SplittableRandom(options.seed());
            for (int i = size - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                Integer t = order.get(i);
                order.set(i, order.get(j));
                order.set(j, t);
            }
        }
        int n = options.limit() > 0 ? Math.min(options.limit(), size) : size;
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = order.get(i);
        }
        return out;
    }
}
