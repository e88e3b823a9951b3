package io.sparkllama.engine.format;

import io.sparkllama.engine.model.LlamaWeights;
import io.sparkllama.engine.model.ModelConfig;
import io.sparkllama.engine.tensor.WeightMatrix;
import io.sparkllama.engine.tensor.view.RowPermutedMatrix;

/**
 * Builds {@link LlamaWeights} from named tensors, checking the layer count and every shape against
 * the configuration before anything is sized from it.
 */
public final class LlamaWeightAssembler {
    private LlamaWeightAssembler() {
    }

    /**
     * @param hfRotateHalf whether q/k rows are in Hugging Face's rotate-half order (undone by a row view)
     * @param tiedFallback whether a missing output tensor means the classifier is the embedding
     */
    public static LlamaWeights assemble(ModelConfig c, TensorSource src, TensorNames n, boolean hfRotateHalf, boolean tiedFallback) {
        int dim = c.dim();
        int qDim = c.nHeads() * c.headSize();
        int kvDim = c.kvDim();
        int hidden = c.hiddenDim();
        int layers = c.nLayers();
        int present = layersPresent(src, n);
        if (present != layers) {
            throw src.error("the configuration declares " + layers + " layers but the tensors hold " + present);
        }
        WeightMatrix embedding = src.matrix(n.embedding, c.vocabSize(), dim);
        float[][] attNorm = new float[layers][];
        float[][] ffnNorm = new float[layers][];
        WeightMatrix[] wq = new WeightMatrix[layers];
        WeightMatrix[] wk = new WeightMatrix[layers];
        WeightMatrix[] wv = new WeightMatrix[layers];
        WeightMatrix[] wo = new WeightMatrix[layers];
        WeightMatrix[] w1 = new WeightMatrix[layers];
        WeightMatrix[] w2 = new WeightMatrix[layers];
        WeightMatrix[] w3 = new WeightMatrix[layers];
        int[] qOrder = hfRotateHalf ? RowPermutedMatrix.unpermuteRotateHalf(qDim, c.headSize()) : null;
        int[] kOrder = hfRotateHalf ? RowPermutedMatrix.unpermuteRotateHalf(kvDim, c.headSize()) : null;
        for (int l = 0; l < layers; l++) {
            attNorm[l] = src.vector(n.layer(l, n.attentionNorm), dim);
            ffnNorm[l] = src.vector(n.layer(l, n.ffnNorm), dim);
            wq[l] = src.matrix(n.layer(l, n.wq), qDim, dim);
            wk[l] = src.matrix(n.layer(l, n.wk), kvDim, dim);
            if (hfRotateHalf) {
                wq[l] = new RowPermutedMatrix(wq[l], qOrder);
                wk[l] = new RowPermutedMatrix(wk[l], kOrder);
            }
            wv[l] = src.matrix(n.layer(l, n.wv), kvDim, dim);
            wo[l] = src.matrix(n.layer(l, n.wo), dim, qDim);
            w1[l] = src.matrix(n.layer(l, n.w1), hidden, dim);
            w2[l] = src.matrix(n.layer(l, n.w2), dim, hidden);
            w3[l] = src.matrix(n.layer(l, n.w3), hidden, dim);
        }
        float[] finalNorm = src.vector(n.finalNorm, dim);
        WeightMatrix classifier = tiedFallback && !src.has(n.output) ? embedding : src.matrix(n.output, c.vocabSize(), dim);
        return new LlamaWeights(embedding, attNorm, wq, wk, wv, wo, ffnNorm, w1, w2, w3, finalNorm, classifier);
    }

    /** Layers 0, 1, ... whose attention norm is present, counted up to one past the configuration's bound. */
    private static int layersPresent(TensorSource src, TensorNames n) {
        int l = 0;
        while (l <= ConfigChecks.MAX_LAYERS && src.has(n.layer(l, n.attentionNorm))) {
            l++;
        }
        return l;
    }
}
