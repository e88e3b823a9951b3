package io.sparkllama.engine.model;

import io.sparkllama.engine.error.KvCacheBudgetException;
import io.sparkllama.engine.settings.KvCacheType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Off-heap KV cache blocks of {@link #BLOCK} positions, allocated on first need up to a byte budget
 * and reused after: KV memory is bounded by the budget, never by the model's declared context.
 * One per session; take and release on the session's thread (workers only read the blocks).
 *
 * <p>A block holds, for each layer, the keys of its positions in tiles of {@link KvCache#TILE}
 * (as the attention kernel reads them), then their values by position.
 */
public final class KvBlockPool implements AutoCloseable {
    /** Positions per block: a multiple of every key tile width (4, 8 or 16 lanes). */
    public static final int BLOCK = 32;

    static {
        if (BLOCK % KvCache.TILE != 0) {
            throw new AssertionError("KV block " + BLOCK + " is not a multiple of the key tile " + KvCache.TILE);
        }
    }

    private final long budget;
    private final int capacity;
    final int kvDim;
    final KvCacheType type;
    /** Bytes of one layer's keys (tiled) plus values in a block. */
    final long layerBytes;
    /** Offset of the values within a layer's part of a block. */
    final long valueOffset;
    private final long blockBytes;
    /** What the budget is, for error messages. */
    private String budgetSource = "kv_cache_memory";
    // Shared: blocks are written by the session's thread and read by the worker threads.
    private final Arena arena = Arena.ofShared();
    private MemorySegment[] free = new MemorySegment[16];
    private int freeCount;
    private int created;
    private int inUse;
    private int peakInUse;
    /** Bytes of blocks in use across every pool of this JVM, and the most ever: an executor's KV figure. */
    private static final AtomicLong JVM_IN_USE = new AtomicLong();
    private static final AtomicLong JVM_PEAK = new AtomicLong();
    /** Gives back an unused cached block when the budget is spent (the session's {@link PrefixCache}); null for none. */
    private Reclaimer reclaimer;

    /** Something holding blocks it can give back on demand. */
    interface Reclaimer {
        /** Releases one block to the pool; false when it holds none it can spare. */
        boolean reclaimOne();
    }

    /** A pool of fp32 blocks within {@code budget} bytes ({@code kv_cache_memory}). */
    public KvBlockPool(ModelConfig config, long budget) {
        this(config, budget, KvCacheType.F32);
    }

    /**
     * @param budget bytes of KV cache this pool may hold ({@code kv_cache_memory})
     * @param type   the element type of its blocks ({@code kv_cache_type})
     */
    public KvBlockPool(ModelConfig config, long budget, KvCacheType type) {
        this.budget = budget;
        this.kvDim = config.kvDim();
        this.type = type;
        this.valueOffset = (long) BLOCK * kvDim * type.bytes;
        this.layerBytes = 2 * valueOffset;
        this.blockBytes = layerBytes * config.nLayers();
        this.capacity = (int) Math.min(Integer.MAX_VALUE - 8, budget / blockBytes);
    }

    /** Bytes one block takes. */
    public long blockBytes() {
        return blockBytes;
    }

    /** Names the budget in error messages (e.g. a task's share of {@code kv_cache_memory}); default "kv_cache_memory". */
    public void describeBudget(String source) {
        this.budgetSource = source;
    }

    /** The element type of the blocks. */
    public KvCacheType type() {
        return type;
    }

    /** How many blocks the budget holds. */
    public int capacityBlocks() {
        return capacity;
    }

    /** Bytes of KV cache the budget allows (whole blocks). */
    public long capacityBytes() {
        return capacity * blockBytes;
    }

    /** Bytes allocated so far: the most ever in use, since blocks are kept for reuse until {@link #close}. */
    public long allocatedBytes() {
        return created * blockBytes;
    }

    /** Most blocks in use at once, in bytes. */
    public long peakBytes() {
        return peakInUse * blockBytes;
    }

    /** Most bytes of KV blocks in use at once in this JVM, all sessions together. */
    public static long jvmPeakBytes() {
        return JVM_PEAK.get();
    }

    /** Bytes of KV blocks in use now in this JVM, all sessions together (0 once every session has ended or closed). */
    public static long jvmInUseBytes() {
        return JVM_IN_USE.get();
    }

    /** Blocks free now (made or still to make). */
    public int freeBlocks() {
        return capacity - inUse;
    }

    /** Blocks needed for {@code positions} positions. */
    public static int blocksFor(int positions) {
        return (positions + BLOCK - 1) / BLOCK;
    }

    /**
     * Throws unless {@code positions} positions fit the budget with nothing else running.
     *
     * @param what the request's shape for the message, e.g. "prompt 900 + up to 200 new tokens"
     */
    public void requireFits(int positions, String what) {
        if (blocksFor(positions) > capacity) {
            long need = blocksFor(positions) * blockBytes;
            throw new KvCacheBudgetException("request needs " + positions + " positions of KV cache (" + what + "): " + size(need)
                    + " in blocks of " + BLOCK + " positions, over " + budgetSource + " = " + size(budget) + " (room for "
                    + (long) capacity * BLOCK + " positions of " + type.label() + " keys and values); raise kv_cache_memory (--kv-cache-memory in the CLI, "
                    + "--set kv_cache_memory=... in a job), "
                    + (type == KvCacheType.F32 ? "halve the bytes per position with kv_cache_type=f16 or bf16, " : "") + "or shorten the request");
        }
    }

    /** "163840 bytes (0.16 MiB)". */
    public static String size(long bytes) {
        return bytes + " bytes (" + String.format(java.util.Locale.ROOT, "%.2f MiB", bytes / 1048576.0) + ")";
    }

    void reclaimer(Reclaimer r) {
        this.reclaimer = r;
    }

    /**
     * A free block, or null when the budget is spent and the {@link Reclaimer} (if any) has nothing
     * to spare. Its contents are stale: positions are written before they are read.
     */
    MemorySegment take() {
        MemorySegment b = takeFree();
        while (b == null && reclaimer != null && reclaimer.reclaimOne()) {
            b = takeFree();
        }
        return b;
    }

    private MemorySegment takeFree() {
        MemorySegment b;
        if (freeCount > 0) {
            b = free[--freeCount];
            free[freeCount] = null;
        } else if (created < capacity) {
            b = arena.allocate(blockBytes, 64);
            created++;
        } else {
            return null;
        }
        inUse++;
        peakInUse = Math.max(peakInUse, inUse);
        long now = JVM_IN_USE.addAndGet(blockBytes);
        JVM_PEAK.accumulateAndGet(now, Math::max);
        return b;
    }

    void release(MemorySegment block) {
        inUse--;
        JVM_IN_USE.addAndGet(-blockBytes);
        if (freeCount == free.length) {
            free = java.util.Arrays.copyOf(free, 2 * free.length); // grows with the pool's high-water mark only
        }
        free[freeCount++] = block;
    }

    /** Frees every block; the pool and its caches must not be used after. Safe to call twice. */
    @Override
    public void close() {
        if (!arena.scope().isAlive()) {
            return;
        }
        JVM_IN_USE.addAndGet(-(long) inUse * blockBytes);
        inUse = 0;
        arena.close();
    }
}
