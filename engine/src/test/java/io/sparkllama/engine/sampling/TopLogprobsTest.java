package io.sparkllama.engine.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sparkllama.engine.tensor.kernel.KernelSpecies;
import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Partial selection against a full sort of the row: same ids in the same order (lower id on ties), same logprobs. */
class TopLogprobsTest {

    @Test
    void matchesAFullSortWithTiesAndOddSizes() {
        SplittableRandom rnd = new SplittableRandom(7);
        TopLogprobs top = new TopLogprobs();
        int[] sizes = {1, 3, KernelSpecies.LANES, KernelSpecies.LANES + 1, 100, 512, 32000};
        for (int n : sizes) {
            for (int trial = 0; trial < 20; trial++) {
                int off = rnd.nextInt(5);
                float[] logits = new float[off + n];
                boolean coarse = trial % 2 == 0; // few distinct values: many ties
                for (int i = 0; i < n; i++) {
                    logits[off + i] = coarse ? rnd.nextInt(6) - 3f : (float) (rnd.nextGaussian() * 4);
                }
                double lse = LogSoftmax.logSumExp(logits, off, n);
                Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
                Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> -logits[off + i]).thenComparingInt(i -> i));
                for (int k = 1; k <= Math.min(n, TopLogprobs.MAX_K); k += 3) {
                    int[] ids = new int[k + 2];
                    float[] lps = new float[k + 2];
                    top.select(logits, off, n, k, lse, ids, lps, 2);
                    for (int j = 0; j < k; j++) {
                        assertEquals(order[j], ids[2 + j], "n=" + n + " k=" + k + " rank " + j);
                        assertEquals((float) (logits[off + order[j]] - lse), lps[2 + j], "n=" + n + " k=" + k + " rank " + j);
                    }
                }
            }
        }
    }

    @Test
    void refusesKOutsideOneToTheLimit() {
        TopLogprobs top = new TopLogprobs();
        float[] logits = new float[10];
        assertThrows(IllegalArgumentException.class, () -> top.select(logits, 0, 10, 0, 0, new int[1], new float[1], 0));
        assertThrows(IllegalArgumentException.class, () -> top.select(logits, 0, 10, 11, 0, new int[11], new float[11], 0));
        assertThrows(IllegalArgumentException.class, () -> top.select(logits, 0, 10, TopLogprobs.MAX_K + 1, 0, new int[30], new float[30], 0));
    }
}
