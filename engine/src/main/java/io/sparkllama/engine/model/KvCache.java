package io.sparkllama.engine.model;

/** Keys and values of one sequence for every layer and position up to a fixed capacity. */
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

    /** How many positions fit. */
    public int capacity() {
        return capacity;
    }
}
