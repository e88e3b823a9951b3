package io.sparkllama.jobs.sweep;

import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/** Writes a cell's per-sample rows as one Parquet file through Spark (its commit protocol leaves _SUCCESS). */
final class SampleWriter {
    private SampleWriter() {
    }

    static void write(CellContext cx, Cell cell, List<Row> rows, StructType schema) {
        cx.spark().createDataFrame(rows, schema).coalesce(1).write().mode("overwrite").parquet(cx.store().samplesTarget(cell));
    }
}
