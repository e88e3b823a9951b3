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

    /** One alternative of {@code top_logprobs}. */
    public static final StructType ALTERNATIVE = new StructType(new StructField[] {
        new StructField("id", DataTypes.IntegerType, false, Metadata.empty()),
        new StructField("logprob", DataTypes.FloatType, false, Metadata.empty()),
    });

    /** The output schema; {@code id} keeps the input's type. */
    public static StructType schema(DataType idType) {
        return schema(idType, null);
    }

    /** The output schema with, when {@code parsed} is not null, the {@code parsed} struct column of constrained JSON. */
    public static StructType schema(DataType idType, StructType parsed) {
        StructType base = new StructType(new StructField[] {
            new StructField("id", idType, true, Metadata.empty()),
            new StructField("prompt", DataTypes.StringType, true, Metadata.empty()),
            new StructField("completion", DataTypes.StringType, true, Metadata.empty()),
            new StructField("prompt_tokens", DataTypes.IntegerType, true, Metadata.empty()),
            new StructField("completion_token_ids", DataTypes.createArrayType(DataTypes.IntegerType, false), true, Metadata.empty()),
            new StructField("token_logprobs", DataTypes.createArrayType(DataTypes.FloatType, false), true, Metadata.empty()),
            new StructField("finish_reason", DataTypes.StringType, true, Metadata.empty()),
            new StructField("error", DataTypes.StringType, true, Metadata.empty()),
            new StructField("top_logprobs", DataTypes.createArrayType(DataTypes.createArrayType(ALTERNATIVE, false), false), true,
                    Metadata.empty()),
        });
        return parsed == null ? base : base.add(new StructField("parsed", parsed, true, Metadata.empty()));
    }
}
