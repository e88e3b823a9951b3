package io.sparkllama.jobs;

import io.sparkllama.engine.Engine;
import io.sparkllama.engine.MemoryUsage;
import io.sparkllama.engine.settings.KvCacheMemory;
import io.sparkllama.engine.settings.KvCacheType;
import io.sparkllama.udfs.ExecutorTaskSlots;
import io.sparkllama.udfs.JobProgress;
import io.sparkllama.udfs.ModelHandle;
import io.sparkllama.udfs.TaskKvCache;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code memory} entry of {@code _spark_llama.json}: weight bytes, the KV budget per executor
 * and per task, and the KV and heap peaks: the largest of the driver's and every executor's that
 * ran a task (reported through the job's accumulators).
 */
final class MemoryRecord {
    private MemoryRecord() {
    }

    static Map<String, Object> describe(Engine engine, ModelHandle handle, JobProgress progress, String sparkMaster) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mapped_weight_bytes", engine.mappedBytes());
        m.put("repacked_weight_bytes", engine.repackedBytes());
        KvCacheType type = handle.kvCacheType() == null ? KvCacheType.F32 : handle.kvCacheType();
        // The driver's view of an executor's slots: exact for local masters and where spark.executor.cores is set.
        m.put("kv_cache_memory_per_executor", KvCacheMemory.orDefault(handle.kvCacheMemory()));
        m.put("kv_cache_task_slots", ExecutorTaskSlots.count());
        m.put("kv_cache_type", type.label());
        m.put("kv_cache_capacity_bytes_per_task", engine.kvCapacityBytes(TaskKvCache.share(handle.kvCacheMemory()), type));
        m.put("kv_cache_block_bytes", engine.kvBlockBytes(type));
        boolean executors = progress.kvPeakBytes() != null;
        m.put("kv_cache_peak_bytes", Math.max(MemoryUsage.jvmKvPeakBytes(), executors ? progress.kvPeakBytes().value() : 0));
        m.put("heap_peak_bytes", Math.max(MemoryUsage.jvmHeapPeakBytes(), executors ? progress.heapPeakBytes().value() : 0));
        m.put("peaks_measured_in", sparkMaster.startsWith("local") ? "driver JVM (runs every task)"
                : executors ? "largest of the driver and each executor JVM that ran a task" : "driver JVM only");
        return m;
    }
}
