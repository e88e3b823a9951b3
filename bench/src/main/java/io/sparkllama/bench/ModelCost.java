package io.sparkllama.bench;

import io.sparkllama.engine.Engine;
import io.sparkllama.engine.model.LlamaWeights;

/**
 * What one token costs a model: weight bytes streamed (in the stored type: fp32, f16 or quantized
 * blocks) and matmul FLOPs.
 */
record ModelCost(long matmulParams, long classifierParams, long weightBytes) {
    static ModelCost of(Engine engine) {
        LlamaWeights w = engine.transformer().weights();
        long classifier = (long) w.classifier().rows() * w.classifier().cols();
        return new ModelCost(w.matmulParameters(), classifier, w.bytesPerToken());
    }

    /** Weight bytes read per decode step: every matrix once, plus one embedding row. */
    long bytesPerToken() {
        return weightBytes;
    }

    /** One multiply and one add per weight per token; attention is left out (small at these lengths). */
    long flopsPerToken() {
        return 2 * matmulParams;
    }

    /** A prompt's tokens but the last skip the classifier: what a prefill token costs. */
    long prefillFlopsPerToken() {
        return 2 * (matmulParams - classifierParams);
    }
}
