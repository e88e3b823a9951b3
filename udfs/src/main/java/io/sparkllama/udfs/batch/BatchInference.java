package io.sparkllama.udfs.batch;

import java.util.List;
import org.apache.spark.sql.Row;

/** One Spark task's inference: micro-batches of requests in, one result row per request out, in order. */
public interface BatchInference extends AutoCloseable {
    /** Results in the task's schema ({@link LlamaTask#schema()}); a request that cannot be served gets a row with only {@code error} set. */
    List<Row> run(List<InferenceInput> inputs);

    /** Frees the engine session; safe to call twice. */
    @Override
    void close();
}
