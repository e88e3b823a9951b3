package io.sparkllama.engine.model;

import io.sparkllama.engine.settings.ActivationPrecision;
import io.sparkllama.engine.tensor.WeightMatrix;
import java.lang.foreign.Arena;

/**
 * Every weight of a Llama transformer in the layout of Meta's reference: q/k rows ordered for
 * interleaved-pair RoPE. Matrices stay in their stored type (views of the mapped file); the small
 * norm vectors are copied to the heap as fp32.
 *
 * @param classifier the output projection; the token embedding itself when the model ties them
 */
public record LlamaWeights(
        WeightMatrix tokenEmbedding,
        float[][] attentionNorm,
        WeightMatrix[] wq,
        WeightMatrix[] wk,
        WeightMatrix[] wv,
        WeightMatrix[] wo,
        float[][] ffnNorm,
        WeightMatrix[] w1,
        WeightMatrix[] w2,
        WeightMatrix[] w3,
        float[] finalNorm,
        WeightMatrix classifier) {

    /**
     * These weights with every matrix of the forward pass in the layout it multiplies fastest
     * ({@link WeightMatrix#forForwardPass}); the embedding table stays as it is, read a row at a time.
     */
    public LlamaWeights forForwardPass(ActivationPrecision precision) {
        return forForwardPass(precision, Arena.ofAuto());
    }

    /** As {@link #forForwardPass(ActivationPrecision)}, the repacked copies allocated in {@code arena}. */
    public LlamaWeights forForwardPass(ActivationPrecision precision, Arena arena) {
        return new LlamaWeights(tokenEmbedding, attentionNorm,
                forForwardPass(wq, precision, arena), forForwardPass(wk, precision, arena), forForwardPass(wv, precision, arena),
                forForwardPass(wo, precision, arena), ffnNorm, forForwardPass(w1, precision, arena), forForwardPass(w2, precision, arena),
                forForwardPass(w3, precision, arena), finalNorm, classifier.forForwardPass(precision, arena));
    }

    private static WeightMatrix[] forForwardPass(WeightMatrix[] layers, ActivationPrecision precision, Arena arena) {
        WeightMatrix[] out = new WeightMatrix[layers.length];
        for (int l = 0; l < layers.length; l++) {
            out[l] = layers[l].forForwardPass(precision, arena);
        }
        return out;
    }

    /** Bytes of weights one decode step reads (every matrix once, plus one embedding row). */
    public long bytesPerToken() {
        long total = classifier.byteSize() + tokenEmbedding.byteSize() / tokenEmbedding.rows();
        for (int l = 0; l < wq.length; l++) {
            total += wq[l].byteSize() + wk[l].byteSize() + wv[l].byteSize() + wo[l].byteSize()
                    + w1[l].byteSize() + w2[l].byteSize() + w3[l].byteSize();
        }
        return total;
    }

    /** Number of parameters in the matrices a token passes through (for FLOP counts). */
    public long matmulParameters() {
        long total = (long) classifier.rows() * classifier.cols();
        for (int l = 0; l < wq.length; l++) {
            for (WeightMatrix m : new WeightMatrix[] {wq[l], wk[l], wv[l], wo[l], w1[l], w2[l], w3[l]}) {
                total += (long) m.rows() * m.cols();
            }
        }
        return total;
    }

    /** Bytes of off-heap copies among these matrices (repacked panels), on top of the mapped files. */
    public long offHeapCopyBytes() {
        long total = classifier.isOffHeapCopy() ? classifier.byteSize() : 0;
        for (int l = 0; l < wq.length; l++) {
            for (WeightMatrix m : new WeightMatrix[] {wq[l], wk[l], wv[l], wo[l], w1[l], w2[l], w3[l]}) {
                total += m.isOffHeapCopy() ? m.byteSize() : 0;
            }
        }
        return total;
    }
}
