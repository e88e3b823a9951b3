package io.sparkllama.engine.model;

import io.sparkllama.engine.tensor.VectorMath;

/**
 * The Llama forward pass: RMSNorm, RoPE, grouped-query attention, SwiGLU, in fp32 over weights
 * of any stored type. One code path serves decode (one token) and prefill/scoring (a chunk of
 * tokens as matrix-matrix products), so a token's numbers are the same either way.
 */
public final class Transformer {
    private final ModelConfig config;
    private final LlamaWeights weights;
    private final RopeTable rope;
    private final int maxPositions;

    public Transformer(ModelConfig config, LlamaWeights weights, int maxPositions) {
        this.config = config;
        this.weights = weights;
        this.maxPositions = maxPositions;
        this.rope = new RopeTable(config, maxPositions);
    }

    public ModelConfig config() {
        return config;
    }

    public LlamaWeights weights() {
        return weights;
    }

    /** Longest sequence this instance serves: the model's context, or less if configured so. */
    public int maxPositions() {
        return maxPositions;
    }

    public ForwardState newState(int maxTokens, io.sparkllama.engine.parallel.WorkerPool pool) {
        return new ForwardState(config, maxTokens, maxPositions, pool);
    }

    public KvCache newCache() {
        return new KvCache(config, maxPositions);
    }

    /**
     * Runs {@code tokens[off .. off+n)} at positions {@code startPos ..} through the model, adding
     * their keys and values to {@code cache}. Writes logits of every token to {@code st.logits}
     * when {@code allLogits}, else of the last token only (at offset 0).
     */
    public void forward(int[] tokens, int off, int n, int startPos, KvCache cache, ForwardState st, boolean allLogits) {
        ModelConfig c = config;
        LlamaWeights w = weights;
        int dim = c.dim();
        int qDim = c.nHeads() * c.headSize();
        int kvDim = c.kvDim();
        int hidden = c.hiddenDim();
        float eps = c.rmsEps();
        float[] x = st.x;
        float[] xb = st.xb;

        for (int t = 0; t < n; t++) {
            w.tokenEmbedding().copyRow(tokens[off + t], x, t * dim);
        }
        for (int l = 0; l < c.nLayers(); l++) {
            for (int t = 0; t < n; t++) {
                VectorMath.rmsNorm(xb, t * dim, x, t * dim, w.attentionNorm()[l], dim, eps);
            }
            st.matmul(w.wq()[l], xb, n, st.q, qDim);
            st.matmul(w.wk()[l], xb, n, st.k, kvDim);
            st.matmul(w.wv()[l], xb, n, st.v, kvDim);
            float[] keys = cache.keys[l];
            float[] values = cache.values[l];
            for (int t = 0; t < n; t++) {
                int pos = startPos + t;
                rope.rotate(st.q, t * qDim, c.nHeads(), pos);
                rope.rotate(st.k, t * kvDim, c.nKvHeads(), pos);
                System.arraycopy(st.k, t * kvDim, keys, pos * kvDim, kvDim);
                System.arraycopy(st.v, t * kvDim, values, pos * kvDim, kvDim);
            }
            st.attention.set(c, st, cache, l, n, startPos);
            long attWork = (long) n * (startPos + n) * qDim * 2;
            st.pool.parallelFor(c.nHeads(), 1, attWork, st.attention);
            st.matmul(w.wo()[l], xb, n, st.xb2, dim);
            VectorMath.add(x, st.xb2, n * dim);

            for (int t = 0; t < n; t++) {
                VectorMath.rmsNorm(xb, t * dim, x, t * dim, w.ffnNorm()[l], dim, eps);
            }
            st.matmul(w.w1()[l], xb, n, st.hb, hidden);
            st.matmul(w.w3()[l], xb, n, st.hb2, hidden);
            VectorMath.swiglu(st.hb, st.hb2, n * hidden);
            st.matmul(w.w2()[l], st.hb, n, st.xb2, dim);
            VectorMath.add(x, st.xb2, n * dim);
        }
        int vocab = c.vocabSize();
        if (allLogits) {
            for (int t = 0; t < n; t++) {
                VectorMath.rmsNorm(xb, t * dim, x, t * dim, w.finalNorm(), dim, eps);
            }
            st.matmul(w.classifier(), xb, n, st.logits, vocab);
        } else {
            VectorMath.rmsNorm(xb, 0, x, (n - 1) * dim, w.finalNorm(), dim, eps);
            st.matmul(w.classifier(), xb, 1, st.logits, vocab);
        }
    }
}
