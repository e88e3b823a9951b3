package io.sparkllama.jobs;

import io.sparkllama.datasets.BadRows;
import io.sparkllama.engine.tensor.ActivationPrecision;
import io.sparkllama.jobs.output.OutputMode;
import io.sparkllama.udfs.TaskThreads;
import java.util.Set;

/**
 * Settings every inference job takes: where and how to read, how to partition and batch, how many
 * engine threads, how the model reaches the executors.
 *
 * @param batchSize       rows pulled from a partition and handed to the engine together
 * @param balanceByLength range-partition the input by text length (similar lengths together)
 * @param modelTransport  {@code path}, {@code spark-files} or {@code broadcast}
 * @param activations     {@code int8} (llama.cpp's numerics, the default) or {@code fp32}: how Q8_0 and
 *                        Q4_0 weights meet the activations
 * @param mode            what may happen to an existing output
 * @param badRows         what a malformed input line does: fail the job, become an error row, or be skipped
 */
public record CommonSettings(String inputFormat, OutputMode mode, int partitions, int threads, int context, int batchSize,
                             boolean balanceByLength, String modelTransport, ActivationPrecision activations,
                             BadRows badRows) {
    /** The keys {@link #from} reads, for each job's list of known settings. */
    public static final Set<String> KEYS = Set.of("threads", "context", "partitions", "input_format", "mode", "batch_size",
            "balance_by_length", "model_transport", "activations", "bad_rows");

    public static CommonSettings from(Settings s) {
        OutputMode mode = OutputMode.ofLabel(s.choice("mode", "errorifexists", "errorifexists", "overwrite", "overwrite_any"));
        BadRows badRows = BadRows.ofLabel(s.choice("bad_rows", "fail", "fail", "error", "skip"));
        String transport = s.choice("model_transport", "path", "path", "spark-files", "broadcast");
        ActivationPrecision activations = ActivationPrecision.ofLabel(s.choice("activations", "int8", "int8", "fp32"));
        return new CommonSettings(s.choice("input_format", "auto", "auto", "parquet", "jsonl", "json", "csv", "text"), mode,
                s.integer("partitions", 0, 0), s.integer("threads", TaskThreads.TASK_CPUS, 0), s.integer("context", 0, 0),
                s.integer("batch_size", 32, 1), s.bool("balance_by_length", false), transport, activations, badRows);
    }
}
