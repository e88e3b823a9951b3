package io.sparkllama.engine.model;

import io.sparkllama.engine.parallel.WorkerPool;
import io.sparkllama.engine.settings.KvCacheType;
import io.sparkllama.engine.tensor.kernel.HalfKvKernels;
import io.sparkllama.engine.tensor.kernel.VectorMath;
import java.lang.foreign.MemorySegment;

/**
 * Causal grouped-query attention of a step's tokens, each over its own sequence's KV cache, for a
 * range of query heads. Each head owns its slice of the score buffer, so heads can run on any thread.
 */
final class AttentionTask implements WorkerPool.RangeTask {
    private ModelConfig c;
    private float[] q;
    private float[] out;
    private float[] att;
    private int[] positions;

    private KvCache[] caches;
    private int layer;
    private int n;
    private int maxPositions;

    void set(ModelConfig c, ForwardState st, int layer, int n) {
        this.c = c;
        this.q = st.q;
        this.out = st.xb;
        this.att = st.att;
        this.positions = st.positions;
        this.caches = st.caches;
        this.layer = layer;
        this.n = n;
        this.maxPositions = st.att.length / c.nHeads();
    }

    @Override
    public void run(int headStart, int headEnd) {
        int hs = c.headSize();
        int qDim = c.nHeads() * hs;
        int kvDim = c.kvDim();
        int group = c.kvGroupSize();
        float scale = (float) Math.sqrt(hs);
        for (int h = headStart; h < headEnd; h++) {
            int attOff = h * maxPositions;
            int kvOff = (h / group) * hs;
            for (int t = 0; t < n; t++) {
                int count = positions[t] + 1;
                KvCache cache = caches[t];
                MemorySegment[] blocks = cache.blocks;
                long layerOff = layer * cache.layerBytes();
                int qOff = t * qDim + h * hs;
                if (cache.type() == KvCacheType.F32) {
                    // Scores block by block (each score is its own FMA chain); the weighted sum carries across blocks.
                    for (int p0 = 0, b = 0; p0 < count; p0 += KvBlockPool.BLOCK, b++) {
                        VectorMath.dotTiles(q, qOff, blocks[b], layerOff + (long) kvOff * KvCache.TILE * Float.BYTES, kvDim * KvCache.TILE, hs,
                                Math.min(KvBlockPool.BLOCK, count - p0), scale, att, attOff + p0);
                    }
                    VectorMath.softmax(att, attOff, count);
                    VectorMath.weightedRowSum(out, qOff, att, attOff, count, blocks, KvBlockPool.BLOCK,
                            layerOff + cache.valueOffset() + (long) kvOff * Float.BYTES, kvDim, hs);
                } else {
                    boolean bf16 = cache.type() == KvCacheType.BF16;
                    for (int p0 = 0, b = 0; p0 < count; p0 += KvBlockPool.BLOCK, b++) {
                        HalfKvKernels.dotTiles(q, qOff, blocks[b], layerOff + (long) kvOff * KvCache.TILE * Short.BYTES, kvDim * KvCache.TILE, hs,
                                Math.min(KvBlockPool.BLOCK, count - p0), scale, att, attOff + p0, bf16);
                    }
                    VectorMath.softmax(att, attOff, count);
                    HalfKvKernels.weightedRowSum(out, qOff, att, attOff, count, blocks, KvBlockPool.BLOCK,
                            layerOff + cache.valueOffset() + (long) kvOff * Short.BYTES, kvDim, hs, bf16);
                }
            }
        }
    }
}
