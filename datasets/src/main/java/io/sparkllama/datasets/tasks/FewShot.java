package io.sparkllama.datasets.tasks;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Few-shot prefixes: {@code n} solved items drawn from the same file with a generator seeded by
 * (seed, item), never the item itself, each as context + gold continuation, followed by a blank
 * line (lm-eval's default few-shot delimiter).
 */
public final class FewShot {
    public static final String DELIMITER = "\n\n";

    private FewShot() {
    }

    public static String prefix(List<TaskDoc> docs, int item, TaskOptions options) {
        StringBuilder sb = new StringBuilder();
        for (int k : pick(docs.size(), item, options)) {
            sb.append(docs.get(k).asExample()).append(DELIMITER);
        }
        return sb.toString();
    }

    /** Indices of the examples for {@code item}: {@code min(n_shot, size - 1)} distinct others, seeded by (seed, item). */
    public static Set<Integer> pick(int size, int item, TaskOptions options) {
        int n = Math.min(options.nShot(), size - 1);
        LinkedHashSet<Integer> picked = new LinkedHashSet<>();
        SplittableRandom rng = new SplittableRandom(options.seed() * 1_000_003L + item);
        while (picked.size() < n) {
            int k = rng.nextInt(size);
            if (k != item) {
                picked.add(k);
            }
        }
        return picked;
    }
}
