package io.sparkllama.jobs.sweep;

import io.sparkllama.udfs.ModelHandle;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;

/** What every cell runner needs: the session, the broadcast model, where to write, and parallelism. */
public record CellContext(SparkSession spark, Broadcast<ModelHandle> model, CellStore store, int threads, int partitions) {
}
