package io.sparkllama.engine.model;

/**
 * Keys and values of one sequence for every layer and position up to a fixed capacity. Keys are
 * stored transposed ({@code keys[layer][d * capacity + pos]}), so that attention scores run with
 * positions across vector lanes; values by position ({@code values[layer][pos * kvDim + d]}).
 */
public final class KvCache {
    final float[][] keys;
    final float[][] values;
    private final int capacity;

    public KvCache(ModelConfig config, int capacity) {
        this.capacity = capacity;
        int kvDim = config.kvDim();
        this.keys = new float[config.nLayers()][capacity * kvDim];
        this.values = new float[config.nLayers()][capacity * kvDim];
    }

    /** Stores position {@code pos}'s key and value of {@code layer}, taken from {@code k[off ..]} and {@code v[off ..]}. */
    void put(int layer, int pos, float[] k, float[] v, int off, int kvDim) {
        float[] kt = keys[layer];
        for (int d = 0; d < kvDim; d++) {
            kt[d * capacity + pos] = k[off + d];
        }
        System.arraycopy(v, off, values[layer], pos * kvDim, kvDim);
    }

    /** How many positions fit. */
    public int capacity() {
        return capacity;
    }
}
