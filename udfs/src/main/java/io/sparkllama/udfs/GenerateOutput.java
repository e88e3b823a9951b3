package io.sparkllama.udfs;

import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** The schema of the generate job's output table (documented in docs/jobs.md). */
public final class GenerateOutput {
    private GenerateOutput() {
    }

    /** The output schema; {@code id} keeps the input's type. */
    public static StructType schema(DataType idType) {
        return new StructType(new StructField[] {
            new StructField("id", idType, true, Metadata.empty()),
            new StructField("sample_index", DataTypes.IntegerType, true, Metadata.empty()),
            new StructField("prompt", DataTypes.StringType, true, Metadata.empty()),
            new StructField("completion", DataTypes.StringType, true, Metadata.empty()),
            new StructField("prompt_tokens", DataTypes.IntegerType, true, Metadata.empty()),
            new StructField("completion_token_ids", DataTypes.createArrayType(DataTypes.IntegerType, false), true, Metadata.empty()),
            new StructField("token_logprobs", DataTypes.createArrayType(DataTypes.FloatType, false), true, Metadata.empty()),
            new StructField("finish_reason", DataTypes.StringType, true, Metadata.empty()),
            new StructField("error", DataTypes.StringType, true, Metadata.empty()),
        });
    }
}
