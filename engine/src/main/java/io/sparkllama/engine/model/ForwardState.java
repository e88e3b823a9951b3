package io.sparkllama.engine.model;

import io.sparkllama.engine.parallel.WorkerPool;

/**
 * Scratch memory for forward steps of up to {@code maxTokens} tokens at once, allocated once
 * and reused for every step, so the hot path allocates nothing: the activations, the step's
 * tokens and logits, and the pool tasks {@link Transformer#forward} dispatches. Not thread-safe:
 * one per caller.
 */
public final class ForwardState {
    final int maxTokens;
    final WorkerPool pool;
    final float[] x;
    final float[] xb;
    final float[] xb2;
    final float[] q;
    final float[] k;
    final float[] v;
    final float[] hb;
    final float[] hb2;
    /** Attention scores, {@code nHeads} rows of the longest sequence seen so far: grown on demand, not sized by the context. */
    float[] att;
    private final int nHeads;
    /** The step's tokens, their positions and their sequences' caches (see {@link Transformer#forward(int, int, ForwardState)}). */
    public final int[] tokens;
    public final int[] positions;
    public final KvCache[] caches;
    /** Which tokens of the step need logits, in output order. */
    public final int[] logitTokens;
    /** Logits, {@code vocabSize} per token: of every token of the step, or of the last one only. */
    public final float[] logits;
    /** This caller's pool tasks for the step's matrix products and attention, made once. */
    final ParallelMatmul matmul;
    final ParallelAttention attention;

    /** Rows of {@link #logits}: the most tokens one {@link Transformer#logits} call takes. */
    final int maxLogits;

    public ForwardState(ModelConfig c, int maxTokens, int maxPositions, WorkerPool pool) {
        this(c, maxTokens, maxTokens, maxPositions, pool);
    }

    public ForwardState(ModelConfig c, int maxTokens, int maxLogits, int maxPositions, WorkerPool pool) {
        this.maxTokens = maxTokens;
        this.maxLogits = maxLogits;
        this.pool = pool;
        this.matmul = new ParallelMatmul(pool);
        this.attention = new ParallelAttention(pool);
        this.x = new float[maxTokens * c.dim()];
        this.xb = new float[maxTokens * c.dim()];
        this.xb2 = new float[maxTokens * c.dim()];
        this.q = new float[maxTokens * c.nHeads() * c.headSize()];
        this.k = new float[maxTokens * c.kvDim()];
        this.v = new float[maxTokens * c.kvDim()];
        this.hb = new float[maxTokens * c.hiddenDim()];
        this.hb2 = new float[maxTokens * c.hiddenDim()];
        this.nHeads = c.nHeads();
        this.att = new float[c.nHeads() * Math.min(maxPositions, KvBlockPool.BLOCK * 8)];
        this.logits = new float[maxLogits * c.vocabSize()];
        this.tokens = new int[maxTokens];
        this.positions = new int[maxTokens];
        this.caches = new KvCache[maxTokens];
        this.logitTokens = new int[maxTokens];
    }

    /** Makes room for scores over {@code positions} positions (doubling, so growth is rare and never per token). */
    void ensureAttention(int positions) {
        int have = att.length / nHeads;
        if (positions > have) {
            int grown = Math.max(positions, 2 * have);
            att = new float[Math.multiplyExact(nHeads, grown)];
        }
    }

    public int maxTokens() {
        return maxTokens;
    }

    public int maxLogits() {
        return maxLogits;
    }

    public WorkerPool pool() {
        return pool;
    }
}
