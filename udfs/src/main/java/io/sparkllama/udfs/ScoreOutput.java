package io.sparkllama.udfs;

import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** The schema of the score job's output table (documented in docs/jobs.md). */
public final class ScoreOutput {
    private ScoreOutput() {
    }

    /** The output schema; {@code id} keeps the input's type. */
    public static StructType schema(DataType idType) {
        return new StructType(new StructField[] {
            new StructField("id", idType, true, Metadata.empty()),
            new StructField("token_ids", DataTypes.createArrayType(DataTypes.IntegerType, false), true, Metadata.empty()),
            new StructField("token_logprobs", DataTypes.createArrayType(DataTypes.FloatType, false), true, Metadata.empty()),
            new StructField("sum_logprob", DataTypes.DoubleType, true, Metadata.empty()),
            new StructField("n_scored", DataTypes.IntegerType, true, Metadata.empty()),
            new StructField("mean_nll", DataTypes.DoubleType, true, Metadata.empty()),
            new StructField("perplexity", DataTypes.DoubleType, true, Metadata.empty()),
            new StructField("error", DataTypes.StringType, true, Metadata.empty()),
            new StructField("top_logprobs", DataTypes.createArrayType(DataTypes.createArrayType(GenerateOutput.ALTERNATIVE, false), false), true,
                    Metadata.empty()),
        });
    }
}
