package io.sparkllama.engine.model;

/**
 * Hyperparameters of a Llama-family transformer, whatever file they came from.
 *
 * @param headSize      size of one attention head (dim / nHeads for every Llama so far)
 * @param contextLength the longest sequence the model (and its KV cache) accepts
 */
public record ModelConfig(
        int dim,
        int hiddenDim,
        int nLayers,
        int nHeads,
        int nKvHeads,
        int vocabSize,
        int contextLength,
        int headSize,
        float rmsEps,
        float ropeTheta,
        RopeScaling ropeScaling) {

    public int kvDim() {
        return nKvHeads * headSize;
    }

    /** How many query heads share one key/value head (grouped-query attention). */
    public int kvGroupSize() {
        return nHeads / nKvHeads;
    }

    /** Llama 3.1 frequency scaling of RoPE; {@link #NONE} for models without it. */
    public record RopeScaling(float factor, float lowFreqFactor, float highFreqFactor, int originalContextLength) {
        public static final RopeScaling NONE = new RopeScaling(1f, 1f, 1f, 0);

        public boolean enabled() {
            return originalContextLength > 0;
        }
    }
}
