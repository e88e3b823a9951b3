package io.sparkllama.datasets.tasks;

import java.util.LinkedHashSet;
import java.util.List;
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
        int n = Math.min(options.nShot(), docs.size() - 1);
        if (n <= 0) {
            return "";
        }
        SplittableRandom rng = new SplittableRandom(options.seed() * 1_000_003L + item);
        LinkedHashSet<Integer> picked = new LinkedHashSet<>();
        while (picked.size() < n) {
            int k = rng.nextInt(docs.size());
            if (k != item) {
                picked.add(k);
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int k : picked) {
            sb.append(docs.get(k).asExample()).append(DELIMITER);
        }
        return sb.toString();
    }
}
