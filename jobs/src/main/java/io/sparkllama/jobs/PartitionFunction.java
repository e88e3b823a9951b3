package io.sparkllama.jobs;

import io.sparkllama.udfs.JobProgress;
import io.sparkllama.udfs.ModelHandle;
import io.sparkllama.udfs.tokencache.TokenCache;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;

/** Makes a job's {@code mapPartitions} function once the driver has the model, the accumulators and the token cache. */
@FunctionalInterface
public interface PartitionFunction {
    /** @param tokenCache the run's token cache, or null when {@code token_cache} is off or the job has none */
    MapPartitionsFunction<Row, Row> create(Broadcast<ModelHandle> model, JobProgress progress, TokenCache tokenCache);
}
