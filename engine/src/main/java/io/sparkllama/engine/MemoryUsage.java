package io.sparkllama.engine;

import io.sparkllama.engine.settings.KvCacheType;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;

/**
 * Where an engine's memory goes: mapped weight files (page cache), off-heap repacked weights, the
 * KV block pool's element type, budget and peak, and the JVM's heap peak. Sizes in bytes.
 */
public record MemoryUsage(long mappedWeightBytes, long repackedWeightBytes, long kvCapacityBytes, long kvPeakBytes,
                          long heapPeakBytes, KvCacheType kvCacheType) {

    /** The figures of {@code session} (its engine's weights, its KV pool) and this JVM's heap peak so far. */
    public static MemoryUsage of(InferenceSession session) {
        Engine e = session.engine();
        return new MemoryUsage(e.mappedBytes(), e.repackedBytes(), session.kvPool().capacityBytes(), session.kvPool().peakBytes(),
                jvmHeapPeakBytes(), session.kvPool().type());
    }

    /** Sum of the heap pools' peak usage since the JVM started (or since their peaks were reset). */
    public static long jvmHeapPeakBytes() {
        long total = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                total += pool.getPeakUsage().getUsed();
            }
        }
        return total;
    }
}
