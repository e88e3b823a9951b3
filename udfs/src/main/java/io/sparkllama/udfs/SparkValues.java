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

    /** One alternative of {@code top_logprobs}: a token id and its logprob. */
    public static final org.apache.spark.sql.types.StructType ALTERNATIVE = new org.apache.spark.sql.types.StructType(
            new org.apache.spark.sql.types.StructField[] {
                new org.apache.spark.sql.types.StructField("id", org.apache.spark.sql.types.DataTypes.IntegerType, false,
                        org.apache.spark.sql.types.Metadata.empty()),
                new org.apache.spark.sql.types.StructField("logprob", org.apache.spark.sql.types.DataTypes.FloatType, false,
                        org.apache.spark.sql.types.Metadata.empty()),
            });

    /**
     * {@code top_logprobs} as Spark's {@code array<array<struct<id, logprob>>>}: per token, its
     * {@code k} alternatives ({@code ids[t * k + j]}, {@code logprobs[t * k + j]}); null when {@code k} is 0.
     */
    public static org.apache.spark.sql.Row[][] alternatives(int k, int[] ids, float[] logprobs) {
        if (k == 0) {
            return null;
        }
        org.apache.spark.sql.Row[][] out = new org.apache.spark.sql.Row[ids.length / k][k];
        for (int t = 0; t < out.length; t++) {
            for (int j = 0; j < k; j++) {
                out[t][j] = org.apache.spark.sql.RowFactory.create(ids[t * k + j], logprobs[t * k + j]);
            }
        }
        return out;
    }
}
