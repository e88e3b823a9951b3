package io.sparkllama.udfs;

/** Engine arrays as the boxed arrays Spark's {@code Row} holds for {@code array<int>} / {@code array<float>}. */
public final class SparkValues {
    private SparkValues() {
    }

    // Runs once per row, not per token.
    public static Integer[] boxed(int[] a) {
        Integer[] out = new Integer[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i];
        }
        return out;
    }

    public static Float[] boxed(float[] a) {
        Float[] out = new Float[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i];
        }
        return out;
    }
}
