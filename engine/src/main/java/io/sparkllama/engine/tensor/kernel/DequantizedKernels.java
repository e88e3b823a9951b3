package io.sparkllama.engine.tensor.kernel;

import io.sparkllama.engine.tensor.WeightMatrix;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * matmul (many tokens) for every row-major stored type but fp32, which is repacked instead: four
 * rows at a time are dequantized with the matrix's own
 * {@link WeightMatrix#copyRow} into per-thread scratch, then plain fp32 FMA loops run over the
 * scratch. A fused kernel that unpacks and multiplies in one loop outgrows C2's inlining budget,
 * its vectors get boxed and it runs at a tenth of the speed; here each loop is small enough to
 * compile to straight vector code, and in matmul each row is unpacked once for all tokens.
 *
 * <p>The order of accumulation is the one every {@code dot} of these types uses, {@link LaneSum}'s:
 * 16 lanes over {@code [0, LaneSum.loopBound(cols))}, their butterfly sum, then the remaining
 * elements added one by one. copyRow yields exactly the fp32 weights that dot multiplies,
 * so dot, matvec and matmul agree bit for bit.
 */
public final class DequantizedKernels {
    private static final VectorSpecies<Float> S = KernelSpecies.FLOAT;
    private static final int L = KernelSpecies.LANES;
    private static final int PARTS = LaneSum.PARTS;
    private static final int W = LaneSum.WIDTH;
    /**
     * Tokens per register block: on AVX-512 4 rows x 4 tokens = 16 accumulators fit the 32 vector
     * registers with room for the loads. Narrower machines hold each 16-lane accumulator in 2 or 4
     * vectors, so there one token's 4 rows already take 8 or 16 registers.
     */
    private static final boolean WIDE = PARTS == 1;

    private DequantizedKernels() {
    }

    public static void matmul(WeightMatrix m, float[] x, int nTokens, float[] out, int outStride, int rowStart, int rowEnd) {
        int cols = m.cols();
        KernelScratch scratch = KernelScratch.ofThread();
        float[] w = scratch.rows(cols);
        float[] sums = scratch.sums;
        int bound = LaneSum.loopBound(cols);
        int r = rowStart;
        // Row blocks outermost: four rows are unpacked once, then every token streams past them.
        for (; r + 4 <= rowEnd; r += 4) {
            unpack4(m, r, w, cols);
            int t = 0;
            if (WIDE) {
                for (; t + 4 <= nTokens; t += 4) {
                    dot4x4(w, cols, bound, x, t * cols, sums);
                    for (int k = 0; k < 4; k++) {
                        finish(sums, 4 * k, w, cols, bound, x, (t + k) * cols, out, (t + k) * outStride + r);
                    }
                }
                for (; t + 2 <= nTokens; t += 2) {
                    dot4x2(w, cols, bound, x, t * cols, sums);
                    finish(sums, 0, w, cols, bound, x, t * cols, out, t * outStride + r);
                    finish(sums, 4, w, cols, bound, x, (t + 1) * cols, out, (t + 1) * outStride + r);
                }
            }
            for (; t < nTokens; t++) {
                dot4(w, cols, bound, x, t * cols, sums);
                finish(sums, 0, w, cols, bound, x, t * cols, out, t * outStride + r);
            }
        }
        for (; r < rowEnd; r++) {
            for (int t = 0; t < nTokens; t++) {
                out[t * outStride + r] = m.dot(r, x, t * cols);
            }
        }
    }

    /** Rows r..r+3 of {@code m} into {@code w}, one after another. */
    private static void unpack4(WeightMatrix m, int r, float[] w, int cols) {
        for (int k = 0; k < 4; k++) {
            m.copyRow(r + k, w, k * cols);
        }
    }

    /**
     * The four rows of one token from their stored accumulators {@code first..first+3}: lane sum,
     * then the elements past {@code bound} in order.
     */
    private static void finish(float[] sums, int first, float[] w, int cols, int bound, float[] x, int xOff,
            float[] out, int outOff) {
        for (int k = 0; k < 4; k++) {
            float sum = LaneSum.sum(sums, (first + k) * W);
            int wOff = k * cols;
            for (int i = bound; i < cols; i++) {
                sum += w[wOff + i] * x[xOff + i];
            }
            out[outOff + k] = sum;
        }
    }

    /** The four unpacked rows against one token; their 16-lane accumulators go to {@code sums} unsummed. */
    private static void dot4(float[] w, int cols, int bound, float[] x, int xOff, float[] sums) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        FloatVector c0 = a0, c1 = a0, c2 = a0, c3 = a0;
        FloatVector e0 = a0, e1 = a0, e2 = a0, e3 = a0;
        FloatVector g0 = a0, g1 = a0, g2 = a0, g3 = a0;
        for (int i = 0; i < bound; i += W) {
            FloatVector v = FloatVector.fromArray(S, x, xOff + i);
            a0 = FloatVector.fromArray(S, w, i).fma(v, a0);
            a1 = FloatVector.fromArray(S, w, cols + i).fma(v, a1);
            a2 = FloatVector.fromArray(S, w, 2 * cols + i).fma(v, a2);
            a3 = FloatVector.fromArray(S, w, 3 * cols + i).fma(v, a3);
            if (PARTS > 1) {
                int j = i + L;
                v = FloatVector.fromArray(S, x, xOff + j);
                c0 = FloatVector.fromArray(S, w, j).fma(v, c0);
                c1 = FloatVector.fromArray(S, w, cols + j).fma(v, c1);
                c2 = FloatVector.fromArray(S, w, 2 * cols + j).fma(v, c2);
                c3 = FloatVector.fromArray(S, w, 3 * cols + j).fma(v, c3);
            }
            if (PARTS > 2) {
                int j = i + 2 * L;
                v = FloatVector.fromArray(S, x, xOff + j);
                e0 = FloatVector.fromArray(S, w, j).fma(v, e0);
                e1 = FloatVector.fromArray(S, w, cols + j).fma(v, e1);
                e2 = FloatVector.fromArray(S, w, 2 * cols + j).fma(v, e2);
                e3 = FloatVector.fromArray(S, w, 3 * cols + j).fma(v, e3);
                j += L;
                v = FloatVector.fromArray(S, x, xOff + j);
                g0 = FloatVector.fromArray(S, w, j).fma(v, g0);
                g1 = FloatVector.fromArray(S, w, cols + j).fma(v, g1);
                g2 = FloatVector.fromArray(S, w, 2 * cols + j).fma(v, g2);
                g3 = FloatVector.fromArray(S, w, 3 * cols + j).fma(v, g3);
            }
        }
        // Row k's 16 lanes at sums[16k ..]: part 0 (a), then 1 (c), 2 (e), 3 (g) where the machine has them.
        a0.intoArray(sums, 0);
        a1.intoArray(sums, W);
        a2.intoArray(sums, 2 * W);
        a3.intoArray(sums, 3 * W);
        if (PARTS > 1) {
            c0.intoArray(sums, L);
            c1.intoArray(sums, W + L);
            c2.intoArray(sums, 2 * W + L);
            c3.intoArray(sums, 3 * W + L);
        }
        if (PARTS > 2) {
            e0.intoArray(sums, 2 * L);
            e1.intoArray(sums, W + 2 * L);
            e2.intoArray(sums, 2 * W + 2 * L);
            e3.intoArray(sums, 3 * W + 2 * L);
            g0.intoArray(sums, 3 * L);
            g1.intoArray(sums, W + 3 * L);
            g2.intoArray(sums, 2 * W + 3 * L);
            g3.intoArray(sums, 3 * W + 3 * L);
        }
    }

    /** The four unpacked rows against two tokens (token 1 accumulators after token 0 ones); AVX-512 only, where a vector holds all 16 lanes. */
    private static void dot4x2(float[] w, int cols, int bound, float[] x, int xOff, float[] sums) {
        int uOff = xOff + cols;
        FloatVector a0 = FloatVector.zero(S), c0 = FloatVector.zero(S);
        FloatVector a1 = FloatVector.zero(S), c1 = FloatVector.zero(S);
        FloatVector a2 = FloatVector.zero(S), c2 = FloatVector.zero(S);
        FloatVector a3 = FloatVector.zero(S), c3 = FloatVector.zero(S);
        for (int i = 0; i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xOff + i);
            FloatVector u = FloatVector.fromArray(S, x, uOff + i);
            FloatVector w0 = FloatVector.fromArray(S, w, i);
            a0 = w0.fma(v, a0);
            c0 = w0.fma(u, c0);
            FloatVector w1 = FloatVector.fromArray(S, w, cols + i);
            a1 = w1.fma(v, a1);
            c1 = w1.fma(u, c1);
            FloatVector w2 = FloatVector.fromArray(S, w, 2 * cols + i);
            a2 = w2.fma(v, a2);
            c2 = w2.fma(u, c2);
            FloatVector w3 = FloatVector.fromArray(S, w, 3 * cols + i);
            a3 = w3.fma(v, a3);
            c3 = w3.fma(u, c3);
        }
        a0.intoArray(sums, 0);
        a1.intoArray(sums, L);
        a2.intoArray(sums, 2 * L);
        a3.intoArray(sums, 3 * L);
        c0.intoArray(sums, 4 * L);
        c1.intoArray(sums, 5 * L);
        c2.intoArray(sums, 6 * L);
        c3.intoArray(sums, 7 * L);
    }

    /** The four unpacked rows against four tokens (accumulators token by token); AVX-512 only. */
    private static void dot4x4(float[] w, int cols, int bound, float[] x, int xOff, float[] sums) {
        FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S), a2 = FloatVector.zero(S), a3 = FloatVector.zero(S);
        FloatVector c0 = FloatVector.zero(S), c1 = FloatVector.zero(S), c2 = FloatVector.zero(S), c3 = FloatVector.zero(S);
        FloatVector e0 = FloatVector.zero(S), e1 = FloatVector.zero(S), e2 = FloatVector.zero(S), e3 = FloatVector.zero(S);
        FloatVector g0 = FloatVector.zero(S), g1 = FloatVector.zero(S), g2 = FloatVector.zero(S), g3 = FloatVector.zero(S);
        for (int i = 0; i < bound; i += L) {
            int o = xOff + i;
            FloatVector v0 = FloatVector.fromArray(S, x, o);
            FloatVector v1 = FloatVector.fromArray(S, x, o + cols);
            FloatVector v2 = FloatVector.fromArray(S, x, o + 2 * cols);
            FloatVector v3 = FloatVector.fromArray(S, x, o + 3 * cols);
            FloatVector q = FloatVector.fromArray(S, w, i);
            a0 = q.fma(v0, a0);
            c0 = q.fma(v1, c0);
            e0 = q.fma(v2, e0);
            g0 = q.fma(v3, g0);
            q = FloatVector.fromArray(S, w, cols + i);
            a1 = q.fma(v0, a1);
            c1 = q.fma(v1, c1);
            e1 = q.fma(v2, e1);
            g1 = q.fma(v3, g1);
            q = FloatVector.fromArray(S, w, 2 * cols + i);
            a2 = q.fma(v0, a2);
            c2 = q.fma(v1, c2);
            e2 = q.fma(v2, e2);
            g2 = q.fma(v3, g2);
            q = FloatVector.fromArray(S, w, 3 * cols + i);
            a3 = q.fma(v0, a3);
            c3 = q.fma(v1, c3);
            e3 = q.fma(v2, e3);
            g3 = q.fma(v3, g3);
        }
        a0.intoArray(sums, 0);
        a1.intoArray(sums, L);
        a2.intoArray(sums, 2 * L);
        a3.intoArray(sums, 3 * L);
        c0.intoArray(sums, 4 * L);
        c1.intoArray(sums, 5 * L);
        c2.intoArray(sums, 6 * L);
        c3.intoArray(sums, 7 * L);
        e0.intoArray(sums, 8 * L);
        e1.intoArray(sums, 9 * L);
        e2.intoArray(sums, 10 * L);
        e3.intoArray(sums, 11 * L);
        g0.intoArray(sums, 12 * L);
        g1.intoArray(sums, 13 * L);
        g2.intoArray(sums, 14 * L);
        g3.intoArray(sums, 15 * L);
    }
}
