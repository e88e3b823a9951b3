package io.sparkllama.engine.model;

import io.sparkllama.engine.parallel.WorkerPool;
import io.sparkllama.engine.tensor.WeightMatrix;

/**
 * The forward pass's matrix products over a step's tokens, rows split across the worker pool's
 * threads at each matrix's row alignment. Holds its pool tasks, made once, so a step allocates
 * nothing: one per caller, like {@link ForwardState}.
 */
final class ParallelMatmul {
    private final WorkerPool pool;
    private final MatmulTask single = new MatmulTask();
    private final FusedMatmulTask fused = new FusedMatmulTask();

    ParallelMatmul(WorkerPool pool) {
        this.pool = pool;
    }

    /** out = x · Wᵀ for n tokens, {@code outStride} floats per token of {@code out}. */
    void multiply(WeightMatrix w, float[] x, int n, float[] out, int outStride) {
        single.set(w, x, n, out, outStride);
        pool.parallelFor(w.rows(), w.rowAlignment(), (long) w.rows() * w.cols() * n, single);
    }

    /**
     * Several matrices over the same input in one dispatch (q, k, v; or w1, w3 with {@code c}
     * null): one wake-up and one barrier instead of three, which matters in decode where each
     * product takes microseconds.
     */
    void multiply(WeightMatrix a, float[] outA, WeightMatrix b, float[] outB, WeightMatrix c, float[] outC, float[] x, int n) {
        fused.set(a, outA, b, outB, c, outC, x, n);
        int rows = a.rows() + b.rows() + (c == null ? 0 : c.rows());
        int grain = Math.max(a.rowAlignment(), Math.max(b.rowAlignment(), c == null ? 1 : c.rowAlignment()));
        pool.parallelFor(rows, grain, (long) rows * a.cols() * n, fused);
    }

    /** One token takes the decode kernel (rows streamed one by one); both give the same bits. */
    private static void multiplyRows(WeightMatrix w, float[] x, int n, float[] out, int outStride, int start, int end) {
        if (n == 1) {
            w.matvec(x, out, start, end);
        } else {
            w.matmul(x, n, out, outStride, start, end);
        }
    }

    private static final class MatmulTask implements WorkerPool.RangeTask {
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
            multiplyRows(w, x, n, out, outStride, start, end);
        }
    }

    /** Rows of up to three matrices taken as one range: [0, a.rows) of a, then b, then c. */
    private static final class FusedMatmulTask implements WorkerPool.RangeTask {
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
                    multiplyRows(w[m], x, n, out[m], rows, lo, hi);
                }
                base += rows;
            }
        }
    }
}
