package io.sparkllama.udfs;

import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** The schema of the loglikelihood job's output table (documented in docs/jobs.md). */
public final class LoglikelihoodOutput {
    private LoglikelihoodOutput() {
    }

    /** The output schema; {@code id} keeps the input's type. */
    public static StructType schema(DataType idType) {
        return new StructType(new StructField[] {
            new StructField("id", idType, true, Metadata.empty()),
            new StructField("sum_logprob", DataTypes.DoubleType, true, Metadata.empty()),
            new StructField("is_greedy", DataTypes.BooleanType, true, Metadata.empty()),
            new StructField("n_tokens", DataTypes.IntegerType, true, Metadata.empty()),
            new StructField("continuation_token_ids", DataTypes.createArrayType(DataTypes.IntegerType, false), true, Metadata.empty()),
            new StructField("token_logprobs", DataTypes.createArrayType(DataTypes.FloatType, false), true, Metadata.empty()),
            new StructField("context_tokens", DataTypes.IntegerType, true, Metadata.empty()),
            new StructField("truncated_tokens", DataTypes.IntegerType, true, Metadata.empty()),
            new StructField("error", DataTypes.StringType, true, Metadata.empty()),
        });
    }
}
