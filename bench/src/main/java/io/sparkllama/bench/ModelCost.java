package io.sparkllama.bench;

import io.sparkllama.engine.model.ModelConfig;

/** What one token costs a model: weight bytes streamed (fp32) and matmul FLOPs. */
record ModelCost(long matmulParams) {
    static ModelCost of(ModelConfig c) {
        long qDim = (long) c.nHeads() * c.headSize();
        long perLayer = c.dim() * qDim + 2L * c.dim() * c.kvDim() + qDim * c.dim() + 3L * c.dim() * c.hiddenDim();
        return new ModelCost(c.nLayers() * perLayer + (long) c.vocabSize() * c.dim());
    }

    /** fp32 weight bytes read per decode step (the embedding row is negligible). */
    long bytesPerToken() {
        return matmulParams * Float.BYTES;
    }

    /** One multiply and one add per weight per token; attention is left out (small at these lengths). */
    long flopsPerToken() {
        return 2 * matmulParams;
    }
}
