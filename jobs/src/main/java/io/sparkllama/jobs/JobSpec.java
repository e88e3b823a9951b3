package io.sparkllama.jobs;

import io.sparkllama.udfs.JobProgress;
import io.sparkllama.udfs.ModelHandle;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

/**
 * What distinguishes one inference job from another for {@link InferenceRun}.
 *
 * @param textColumn   the column whose length {@code balance_by_length} partitions by
 * @param checkInput   validates the input schema (throws {@code InputTableException})
 * @param outputSchema the output schema for the input's {@code id} type
 * @param function     the {@code mapPartitions} function for the broadcast model and the accumulators
 * @param recorded     the job's resolved settings, stored in the run's metadata
 */
public record JobSpec(String job, String input, String output, CommonSettings common, String model, String tokenizer,
                      String textColumn, Consumer<StructType> checkInput, Function<DataType, StructType> outputSchema,
                      BiFunction<Broadcast<ModelHandle>, JobProgress, MapPartitionsFunction<Row, Row>> function,
                      Map<String, Object> recorded) {
}
