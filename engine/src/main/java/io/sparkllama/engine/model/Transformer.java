package io.sparkllama.engine.model;

import io.sparkllama.engine.settings.ActivationPrecision;
import io.sparkllama.engine.settings.KvCacheType;
import io.sparkllama.engine.tensor.kernel.VectorExp;
import io.sparkllama.engine.tensor.kernel.VectorMath;

/**
 * The Llama forward pass: RMSNorm, RoPE, grouped-query attention, SwiGLU, in fp32 over weights
 * of any stored type. One code path serves decode (one token) and prefill/scoring (a chunk of
 * tokens as matrix-matrix products), so a token's numbers are the same either way.
 * {@link #forward(int, int, ForwardState)} reads top to bottom in llama2.c {@code run.c}'s order,
 * one comment per step; the products and attention it dispatches are {@link ParallelMatmul} and
 * {@link ParallelAttention}, the buffers it works in {@link ForwardState}.
 */
public final class Transformer implements AutoCloseable {
    private final ModelConfig config;
    private final OffHeapCopyArena copies = new OffHeapCopyArena();
    private final LlamaWeights weights;
    private final RopeTable rope;
    private final int maxPositions;

    /** @param precision how Q8_0 and Q4_0 weights meet the activations (other types: always fp32) */
    public Transformer(ModelConfig config, LlamaWeights weights, int maxPositions, ActivationPrecision precision) {
        this.config = config;
        try {
            this.weights = weights.forForwardPass(precision, copies);
        } catch (RuntimeException | Error e) {
            copies.close(); // what was repacked before the failure
            throw e;
        }
        this.maxPositions = maxPositions;
        this.rope = new RopeTable(config, maxPositions);
    }

    public ModelConfig config() {
        return config;
    }

    /** Frees the repacked weight copies; nothing may run on this transformer after. */
    @Override
    public void close() {
        copies.close();
    }

    public LlamaWeights weights() {
        return weights;
    }

    /** Longest sequence this instance serves: the model's context, or less if configured so. */
    public int maxPositions() {
        return maxPositions;
    }

    public ForwardState newState(int maxTokens, io.sparkllama.engine.parallel.WorkerPool pool) {
        return new ForwardState(config, maxTokens, maxTokens, maxPositions, pool);
    }

    /** Scratch for steps of {@code maxTokens} tokens whose logits are taken {@code maxLogits} rows at a time ({@link #logits}). */
    public ForwardState newState(int maxTokens, int maxLogits, io.sparkllama.engine.parallel.WorkerPool pool) {
        return new ForwardState(config, maxTokens, Math.min(maxTokens, maxLogits), maxPositions, pool);
    }

    /** An empty cache taking its blocks from {@code pool} as it grows. */
    public KvCache newCache(KvBlockPool pool) {
        return new KvCache(pool);
    }

    /** A block pool for this model's fp32 KV cache within {@code budget} bytes. */
    public KvBlockPool newBlockPool(long budget) {
        return new KvBlockPool(config, budget);
    }

    /** A block pool for this model's KV cache of {@code type} elements within {@code budget} bytes. */
    public KvBlockPool newBlockPool(long budget, KvCacheType type) {
        return new KvBlockPool(config, budget, type);
    }

    /**
     * Runs {@code tokens[off .. off+n)} at positions {@code startPos ..} through the model, adding
     * their keys and values to {@code cache} (taking blocks as needed). Writes logits of every token to {@code st.logits}
     * when {@code allLogits}, else of the last token only (at offset 0).
     */
    public void forward(int[] tokens, int off, int n, int startPos, KvCache cache, ForwardState st, boolean allLogits) {
        cache.reserveOrThrow(startPos + n);
        for (int t = 0; t < n; t++) {
            st.tokens[t] = tokens[off + t];
            st.positions[t] = startPos + t;
            st.caches[t] = cache;
            st.logitTokens[t] = t;
        }
        if (!allLogits) {
            st.logitTokens[0] = n - 1;
        }
        forward(n, allLogits ? n : 1, st);
    }

    /**
     * One step over a batch of tokens that may belong to different sequences: token {@code t} is
     * {@code st.tokens[t]} at position {@code st.positions[t]} of the sequence whose cache is
     * {@code st.caches[t]}; a sequence's tokens come in position order. Logits of token
     * {@code st.logitTokens[j]} go to {@code st.logits[j * vocab ..]} for j in [0, nLogits).
     * Every kernel computes each token's numbers on their own, so a token's result does not
     * depend on what else is in the batch.
     */
    public void forward(int n, int nLogits, ForwardState st) {
        forwardLayers(n, st);
        logits(0, nLogits, st);
    }

    /**
     * The layers of {@link #forward(int, int, ForwardState)} without the classifier: leaves each
     * token's final hidden state in the step's scratch for {@link #logits}.
     */
    public void forwardLayers(int n, ForwardState st) {
        ModelConfig c = config;
        LlamaWeights w = weights;
        int dim = c.dim();
        int qDim = c.nHeads() * c.headSize();
        int kvDim = c.kvDim();
        int hidden = c.hiddenDim();
        float eps = c.rmsEps();
        float[] x = st.x;
        float[] xb = st.xb;
        int[] positions = st.positions;
        KvCache[] caches = st.caches;
        ParallelMatmul matmul = st.matmul;

        // x = the tokens' embedding rows. Count the positions attended, to size the attention work
        // and make room for the longest sequence's scores.
        long attUnits = 0;
        int longest = 0;
        for (int t = 0; t < n; t++) {
            w.tokenEmbedding().copyRow(st.tokens[t], x, t * dim);
            attUnits += positions[t] + 1;
            longest = Math.max(longest, positions[t] + 1);
        }
        st.ensureAttention(longest);
        for (int l = 0; l < c.nLayers(); l++) {
            // Attention RMSNorm: xb = rmsnorm(x) * attention_norm.
            for (int t = 0; t < n; t++) {
                VectorMath.rmsNorm(xb, t * dim, x, t * dim, w.attentionNorm()[l], dim, eps);
            }
            // q, k, v = xb · Wq, Wk, Wv (one dispatch for the three).
            matmul.multiply(w.wq()[l], st.q, w.wk()[l], st.k, w.wv()[l], st.v, xb, n);
            // RoPE rotates q and k at each token's position; k and v go into its sequence's cache.
            for (int t = 0; t < n; t++) {
                int pos = positions[t];
                rope.rotate(st.q, t * qDim, c.nHeads(), pos);
                rope.rotate(st.k, t * kvDim, c.nKvHeads(), pos);
                caches[t].put(l, pos, st.k, st.v, t * kvDim);
            }
            // Grouped-query attention over each token's cached positions: xb = softmax(q·k / sqrt(head)) · v.
            st.attention.run(c, st, l, n, attUnits);
            // Output projection and residual: x += xb · Wo.
            matmul.multiply(w.wo()[l], xb, n, st.xb2, dim);
            VectorMath.add(x, st.xb2, n * dim);

            // FFN RMSNorm: xb = rmsnorm(x) * ffn_norm.
            for (int t = 0; t < n; t++) {
                VectorMath.rmsNorm(xb, t * dim, x, t * dim, w.ffnNorm()[l], dim, eps);
            }
            // hb = xb · W1, hb2 = xb · W3 (one dispatch for the two).
            matmul.multiply(w.w1()[l], st.hb, w.w3()[l], st.hb2, null, null, xb, n);
            // SwiGLU: hb = silu(hb) * hb2.
            for (int t = 0; t < n; t++) {
                VectorExp.swiglu(st.hb, st.hb2, t * hidden, hidden);
            }
            // Down projection and residual: x += hb · W2.
            matmul.multiply(w.w2()[l], st.hb, n, st.xb2, dim);
            VectorMath.add(x, st.xb2, n * dim);
        }
    }

    /**
     * Logits of tokens {@code st.logitTokens[first .. first+count)} of the last {@link #forwardLayers}
     * step into {@code st.logits[j * vocab ..]} for j in [0, count), count at most {@link ForwardState#maxLogits()}:
     * a step's logits can be taken a slice at a time, so a long step needs no logits buffer of its length.
     */
    public void logits(int first, int count, ForwardState st) {
        int dim = config.dim();
        LlamaWeights w = weights;
        // Final RMSNorm of the tokens that need logits, then the classifier: logits = xb · Wcls.
        for (int j = 0; j < count; j++) {
            VectorMath.rmsNorm(st.xb, j * dim, st.x, st.logitTokens[first + j] * dim, w.finalNorm(), dim, config.rmsEps());
        }
        st.matmul.multiply(w.classifier(), st.xb, count, st.logits, config.vocabSize());
    }
}
