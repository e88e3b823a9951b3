package io.sparkllama.jobs;

import io.sparkllama.datasets.BadRows;
import io.sparkllama.datasets.CsvOptions;
import io.sparkllama.engine.settings.ActivationPrecision;
import io.sparkllama.engine.settings.KvCacheMemory;
import io.sparkllama.engine.settings.KvCacheType;
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
 * @param kvCacheMemory   bytes of off-heap KV cache per executor ({@code kv_cache_memory}, e.g. {@code 2g}), divided
 *                        evenly among its task slots; 0 for the default (half the executor's max heap, at least 256 MiB)
 * @param modelCacheMemory bytes of models an executor keeps loaded ({@code model_cache_memory}); 0 for the default
 *                        (half the machine's physical memory)
 * @param csv             how CSV inputs are quoted and separated ({@code csv.quote}, {@code csv.escape}, {@code csv.sep})
 * @param duplicateIds    what an id held by more than one input row does: {@code fail} the job or {@code warn}
 * @param kvCacheType     the KV cache's element type ({@code kv_cache_type}: f32, the default, or f16 / bf16 at half the bytes)
 * @param groupByPrefix   range-partition by the text itself and sort each partition by it, so rows sharing a prefix
 *                        meet in one executor's prefix cache ({@code group_by_prefix}: score and loglikelihood only)
 */
public record CommonSettings(String inputFormat, OutputMode mode, int partitions, int threads, int context, int batchSize,
                             boolean balanceByLength, String modelTransport, ActivationPrecision activations,
                             BadRows badRows, long kvCacheMemory, long modelCacheMemory, CsvOptions csv, String duplicateIds,
                             KvCacheType kvCacheType, boolean groupByPrefix) {
    /** The keys {@link #from} reads, for each job's list of known settings. */
    public static final Set<String> KEYS = Set.of("threads", "context", "partitions", "input_format", "mode", "batch_size",
            "balance_by_length", "model_transport", "activations", "bad_rows", "kv_cache_memory", "model_cache_memory",
            "csv.quote", "csv.escape", "csv.sep", "duplicate_ids", "kv_cache_type");

    public static CommonSettings from(Settings s) {
        OutputMode mode = OutputMode.ofLabel(s.choice("mode", "errorifexists", "errorifexists", "overwrite", "overwrite_any"));
        BadRows badRows = BadRows.ofLabel(s.choice("bad_rows", "fail", "fail", "error", "skip"));
        String transport = s.choice("model_transport", "path", "path", "spark-files", "broadcast");
        ActivationPrecision activations = ActivationPrecision.ofLabel(s.choice("activations", "int8", "int8", "fp32"));
        long kvCacheMemory = bytes(s, "kv_cache_memory");
        long modelCacheMemory = bytes(s, "model_cache_memory");
        KvCacheType kvCacheType = KvCacheType.ofLabel(s.choice("kv_cache_type", "f32", "f32", "f16", "bf16"));
        return new CommonSettings(s.choice("input_format", "auto", "auto", "parquet", "jsonl", "json", "csv", "text"), mode,
                s.integer("partitions", 0, 0), s.integer("threads", TaskThreads.TASK_CPUS, 0), s.integer("context", 0, 0),
                s.integer("batch_size", 32, 1), s.bool("balance_by_length", false), transport, activations, badRows,
                kvCacheMemory, modelCacheMemory, csv(s), s.choice("duplicate_ids", "fail", "fail", "warn"), kvCacheType,
                s.bool("group_by_prefix", false));
    }

    private static CsvOptions csv(Settings s) {
        String escape = s.string("csv.escape", "auto");
        char quote = oneChar(s, "csv.quote", "\"");
        char sep = oneChar(s, "csv.sep", ",");
        try {
            return new CsvOptions(quote, escape.equals("auto") ? CsvOptions.AUTO : oneChar(s, "csv.escape", "auto"), sep);
        } catch (IllegalArgumentException e) {
            throw new JobConfigException(e.getMessage());
        }
    }

    private static char oneChar(Settings s, String key, String fallback) {
        String v = s.string(key, fallback);
        if (v.length() != 1 || v.charAt(0) == 0 || v.charAt(0) == '\n' || v.charAt(0) == '\r') {
            throw new JobConfigException("setting " + key + " must be one character (not a line break), got '" + v + "'"
                    + (key.equals("csv.escape") ? "; use \" (RFC 4180), \\ (Spark's writer) or auto" : ""));
        }
        return v.charAt(0);
    }

    /** A size setting (512m, 4g, or bytes); 0 when unset or {@code default}. */
    static long bytes(Settings s, String key) {
        String v = s.string(key, null);
        try {
            return v == null || v.equals("default") ? 0 : KvCacheMemory.parse(v);
        } catch (IllegalArgumentException e) {
            throw new JobConfigException("setting " + key + " must be a positive size such as 512m or 4g, got '" + v + "'");
        }
    }
}
