package io.sparkllama.engine.model;

import io.sparkllama.engine.parallel.WorkerPool;
import io.sparkllama.engine.tensor.VectorMath;

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
                int pos = positions[t];
                float[] keys = caches[t].keys[layer];
                float[] values = caches[t].values[layer];
                int qOff = t * qDim + h * hs;
                VectorMath.dotTiles(q, qOff, keys, kvOff * KvCache.TILE, kvDim * KvCache.TILE, hs, pos + 1, scale, att, attOff);
                VectorMath.softmax(att, attOff, pos + 1);
                VectorMath.weightedRowSum(out, qOff, att, attOff, pos + 1, values, kvOff, kvDim, hs);
            }
        }
    }
}
