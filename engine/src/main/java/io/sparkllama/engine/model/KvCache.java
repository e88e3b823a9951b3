package io.sparkllama.engine.model;

import io.sparkllama.engine.error.KvCacheBudgetException;
import io.sparkllama.engine.settings.KvCacheType;
import io.sparkllama.engine.tensor.kernel.VectorMath;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * Keys and values of one sequence: a table of {@link KvBlockPool} blocks taken as the sequence
 * grows. Within a block, keys are stored in tiles of {@link #TILE} positions, each tile transposed
 * (element d of block position p at {@code (p / TILE) * kvDim * TILE + d * TILE + p % TILE}), so
 * attention scores run with positions across vector lanes over contiguous memory; values by
 * position ({@code p * kvDim + d}).
 */
public final class KvCache {
    static final int TILE = VectorMath.LANES;
    private final KvBlockPool pool;
    MemorySegment[] blocks = new MemorySegment[4];
    private int blockCount;

    public KvCache(KvBlockPool pool) {
        this.pool = pool;
    }

    /** Positions the blocks held now can store. */
    public int capacity() {
        return blockCount * KvBlockPool.BLOCK;
    }

    /** Takes blocks until positions [0, positions) fit; false when the pool runs out first (the blocks taken are kept). */
    public boolean reserve(int positions) {
        int need = KvBlockPool.blocksFor(positions);
        while (blockCount < need) {
            MemorySegment b = pool.take();
            if (b == null) {
                return false;
            }
            if (blockCount == blocks.length) {
                blocks = Arrays.copyOf(blocks, 2 * blocks.length);
            }
            blocks[blockCount++] = b;
        }
        return true;
    }

    /** {@link #reserve}, or a {@link KvCacheBudgetException} when the pool cannot give the blocks. */
    void reserveOrThrow(int positions) {
        if (!reserve(positions)) {
            throw new KvCacheBudgetException("no free KV cache block for position " + (positions - 1) + " (this sequence holds "
                    + capacity() + " positions and kv_cache_memory is spent); raise kv_cache_memory");
        }
    }

    /** Appends a block the caller manages (a {@link PrefixCache} node's): {@link #forget} drops it without giving it back. */
    void append(MemorySegment block) {
        if (blockCount == blocks.length) {
            blocks = Arrays.copyOf(blocks, 2 * blocks.length);
        }
        blocks[blockCount++] = block;
    }

    /** Empties the block table without giving the blocks back (their owner, a {@link PrefixCache}, does). */
    void forget() {
        Arrays.fill(blocks, 0, blockCount, null);
        blockCount = 0;
    }

    /** Gives every block back to the pool; the cache is empty and reusable after. */
    public void release() {
        for (int i = 0; i < blockCount; i++) {
            pool.release(blocks[i]);
            blocks[i] = null;
        }
        blockCount = 0;
    }

    /** Stores position {@code pos}'s key and value of {@code layer}, taken from {@code k[off ..]} and {@code v[off ..]}. */
    void put(int layer, int pos, float[] k, float[] v, int off) {
        MemorySegment b = blocks[pos / KvBlockPool.BLOCK];
        int p = pos % KvBlockPool.BLOCK;
        int kvDim = pool.kvDim;
        KvCacheType type = pool.type;
        long layerBase = layer * pool.layerBytes;
        long keyBase = layerBase + ((long) (p / TILE) * kvDim * TILE + p % TILE) * type.bytes;
        long valueBase = layerBase + pool.valueOffset + (long) p * kvDim * type.bytes;
        if (type == KvCacheType.F32) {
            for (int d = 0; d < kvDim; d++) {
                b.set(ValueLayout.JAVA_FLOAT, keyBase + (long) d * TILE * Float.BYTES, k[off + d]);
            }
            MemorySegment.copy(v, off, b, ValueLayout.JAVA_FLOAT, valueBase, kvDim);
            return;
        }
        for (int d = 0; d < kvDim; d++) {
            b.set(ValueLayout.JAVA_SHORT, keyBase + (long) d * TILE * Short.BYTES, type.narrow(k[off + d]));
            b.set(ValueLayout.JAVA_SHORT, valueBase + (long) d * Short.BYTES, type.narrow(v[off + d]));
        }
    }

    KvCacheType type() {
        return pool.type;
    }

    long layerBytes() {
        return pool.layerBytes;
    }

    long valueOffset() {
        return pool.valueOffset;
    }
}
