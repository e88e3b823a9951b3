package io.sparkllama.engine.model;

import io.sparkllama.engine.parallel.WorkerPool;
import io.sparkllama.engine.tensor.WeightMatrix;

/**
 * Scratch memory for forward steps of up to {@code maxTokens} tokens at once, allocated once
 * and reused for every step, so the hot path allocates nothing. Not thread-safe: one per caller.
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
    final MatmulTask matmul = new MatmulTask();
    final FusedMatmulTask fused = new FusedMatmulTask();
    final AttentionTask attention = new AttentionTask();

    /** Rows of {@link #logits}: the most tokens one {@link Transformer#logits} call takes. */
    final int maxLogits;

    public ForwardState(ModelConfig c, int maxTokens, int maxPositions, WorkerPool pool) {
        this(c, maxTokens, maxTokens, maxPositions, pool);
    }

    public ForwardState(ModelConfig c, int maxTokens, int maxLogits, int maxPositions, WorkerPool pool) {
        this.maxTokens = maxTokens;
        this.maxLogits = maxLogits;
        this.pool = pool;
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

    /** out = x · Wᵀ for n tokens, rows split across the pool's threads at the matrix's row alignment. */
    void matmul(WeightMatrix w, float[] x, int n, float[] out, int outStride) {
        matmul.set(w, x, n, out, outStride);
        pool.parallelFor(w.rows(), w.rowAlignment(), (long) w.rows() * w.cols() * n, matmul);
    }

    /**
     * Several matrices over the same input in one dispatch (q, k, v; or w1, w3): one wake-up and
     * one barrier instead of three, which matters in decode where each matmul takes microseconds.
     */
    void matmul(WeightMatrix a, float[] outA, WeightMatrix b, float[] outB, WeightMatrix c, float[] outC, float[] x, int n) {
        fused.set(a, outA, b, outB, c, outC, x, n);
        int rows = a.rows() + b.rows() + (c == null ? 0 : c.rows());
        int grain = Math.max(a.rowAlignment(), Math.max(b.rowAlignment(), c == null ? 1 : c.rowAlignment()));
        pool.parallelFor(rows, grain, (long) rows * a.cols() * n, fused);
    }

    /** One token takes the decode kernel (rows streamed one by one); both give the same bits. */
    private static void multiply(WeightMatrix w, float[] x, int n, float[] out, int outStride, int start, int end) {
        if (n == 1) {
            w.matvec(x, out, start, end);
        } else {
            w.matmul(x, n, out, outStride, start, end);
        }
    }

    static final class MatmulTask implements WorkerPool.RangeTask {
        private WeightMatrix w;
        private float[] x;
        private int n;
        private float[] out;
        private int outStride;

        void set(WeightMatrix w, float[] x, int n, float[] out, int outStride) {
            this.w = w;
            this.x = x;
            this.n = n;
            this.out = out;
            this.outStride = outStride;
        }

        @Override
        public void run(int start, int end) {
            multiply(w, x, n, out, outStride, start, end);
        }
    }

    /** Rows of up to three matrices taken as one range: [0, a.rows) of a, then b, then c. */
    static final class FusedMatmulTask implements WorkerPool.RangeTask {
        private final WeightMatrix[] w = new WeightMatrix[3];
        private final float[][] out = new float[3][];
        private int count;
        private float[] x;
        private int n;

        void set(WeightMatrix a, float[] outA, WeightMatrix b, float[] outB, WeightMatrix c, float[] outC, float[] x, int n) {
            w[0] = a;
            out[0] = outA;
            w[1] = b;
            out[1] = outB;
            w[2] = c;
            out[2] = outC;
            this.count = c == null ? 2 : 3;
            this.x = x;
            this.n = n;
        }

        @Override
        public void run(int start, int end) {
            int base = 0;
            for (int m = 0; m < count; m++) {
                int rows = w[m].rows();
                int lo = Math.max(start, base) - base;
                int hi = Math.min(end, base + rows) - base;
                if (lo < hi) {
                    multiply(w[m], x, n, out[m], rows, lo, hi);
                }
                base += rows;
            }
        }
    }
}
