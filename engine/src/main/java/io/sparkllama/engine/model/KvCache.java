package io.sparkllama.engine.model;

import io.sparkllama.engine.tensor.VectorMath;

/**
 * Keys and values of one sequence for every layer and position up to a fixed capacity. Keys are
 * stored in tiles of {@link VectorMath#LANES} positions, each tile transposed
 * ({@code keys[layer][(pos / LANES) * kvDim * LANES + d * LANES + pos % LANES]}), so that attention
 * scores run with positions across vector lanes over contiguous memory; values by position
 * ({@code values[layer][pos * kvDim + d]}).
 */
public final class KvCache {
    static final int TILE = VectorMath.LANES;
    final float[][] keys;
    final float[][] values;
    private final int capacity;
    private final int kvDim;

    public KvCache(ModelConfig config, int capacity) {
        this.capacity = capacity;
        this.kvDim = config.kvDim();
        int tiles = (capacity + TILE - 1) / TILE;
        this.keys = new float[config.nLayers()][tiles * TILE * kvDim];
        this.values = new float[config.nLayers()][capacity * kvDim];
    }

    /** Stores position {@code pos}'s key and value of {@code layer}, taken from {@code k[off ..]} and {@code v[off ..]}. */
    void put(int layer, int pos, float[] k, float[] v, int off) {
        float[] kt = keys[layer];
        int base = (pos / TILE) * kvDim * TILE + pos % TILE;
        for (int d = 0; d < kvDim; d++) {
            kt[base + d * TILE] = k[off + d];
        }
        System.arraycopy(v, off, values[layer], pos * kvDim, kvDim);
    }

    /** How many positions fit. */
    public int capacity() {
        return capacity;
    }
}
