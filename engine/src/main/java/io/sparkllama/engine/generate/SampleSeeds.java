package io.sparkllama.engine.generate;

/**
 * The seed of each of a row's {@code n} samples: sample 0 keeps the row's seed (so {@code n = 1}
 * is the plain job), sample k > 0 gets the SplitMix64 finalizer of {@code seed + k * golden gamma},
 * which differs per k and per seed.
 */
public final class SampleSeeds {
    /** Most samples per row or prompt ({@code n}). */
    public static final int MAX_SAMPLES = 16;

    private SampleSeeds() {
    }

    public static long of(long seed, int sampleIndex) {
        if (sampleIndex == 0) {
            return seed;
        }
        long z = seed + sampleIndex * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
