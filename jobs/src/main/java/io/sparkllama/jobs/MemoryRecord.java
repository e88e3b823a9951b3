package io.sparkllama.jobs;

import io.sparkllama.engine.Engine;
import io.sparkllama.engine.MemoryUsage;
import io.sparkllama.engine.model.KvBlockPool;
import io.sparkllama.udfs.ModelHandle;
import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code memory} entry of {@code _spark_llama.json}: weight bytes, the KV budget per task and the peaks this JVM saw. */
final class MemoryRecord {
    private MemoryRecord() {
    }

    static Map<String, Object> describe(Engine engine, ModelHandle handle, String sparkMaster) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mapped_weight_bytes", engine.mappedBytes());
        m.put("repacked_weight_bytes", engine.repackedBytes());
        long budget = handle.kvCacheMemory() > 0 ? handle.kvCacheMemory() : engine.kvCacheMemory();
        try (KvBlockPool pool = engine.transformer().newBlockPool(budget)) {
            m.put("kv_cache_capacity_bytes_per_task", pool.capacityBytes());
            m.put("kv_cache_block_bytes", pool.blockBytes());
        }
        // Peaks are of the driver JVM: every task's with a local master, none of a cluster's executors.
        m.put("kv_cache_peak_bytes", KvBlockPool.jvmPeakBytes());
        m.put("heap_peak_bytes", MemoryUsage.jvmHeapPeakBytes());
        m.put("peaks_measured_in", sparkMaster.startsWith("local") ? "driver JVM (runs every task)" : "driver JVM only");
        return m;
    }
}
