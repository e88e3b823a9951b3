package io.sparkllama.datasets.tasks;

import java.io.Serializable;

/**
 * How a task is sampled: few-shot examples per item, a cap on items, and the seed that fixes
 * both the item order (when shuffled) and the choice of examples.
 *
 * @param nShot   solved examples put before each item (drawn from the same file, never the item)
 * @param limit   items to evaluate at most; 0 for all
 * @param seed    fixes example draws and, with {@code shuffle}, the item order
 * @param shuffle evaluate a seeded permutation of the items instead of file order
 */
public record TaskOptions(int nShot, int limit, long seed, boolean shuffle) implements Serializable {
    public static final TaskOptions DEFAULT = new TaskOptions(0, 0, 1234, false);

    public TaskOptions {
        if (nShot < 0 || limit < 0) {
            throw new IllegalArgumentException("n_shot and limit must be >= 0, got " + nShot + " and " + limit);
        }
    }
}
