package io.sparkllama.engine;

import io.sparkllama.engine.model.KvBlockPool;
import io.sparkllama.engine.model.OffHeapCopyArena;
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

    /** Bytes of KV blocks every pool in this JVM holds now (all sessions, all engines). */
    public static long jvmKvInUseBytes() {
        return KvBlockPool.jvmInUseBytes();
    }

    /** The most bytes of KV blocks this JVM's pools held at once so far. */
    public static long jvmKvPeakBytes() {
        return KvBlockPool.jvmPeakBytes();
    }

    /** Off-heap bytes of repacked weights live in this JVM now (freed when their engine closes, not by the GC). */
    public static long jvmRepackedLiveBytes() {
        return OffHeapCopyArena.liveBytes();
    }

    /** {@code bytes} as settings and errors write it: "163840 bytes (0.16 MiB)". */
    public static String size(long bytes) {
        return KvBlockPool.size(bytes);
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
