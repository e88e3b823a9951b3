package io.sparkllama.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * ggml Q8_0 weights: blocks of 32 values stored as an fp16 scale {@code d} and 32 int8
 * {@code q}, value {@code d * q}. Each vector of int8s is widened to floats and scaled inside the
 * FMA loop, so the exact fp32 dequantized weight meets the activations and the data stays int8 in
 * the mapping. Every kernel accumulates a (row, token) pair in the same order, so dot, matvec and
 * matmul agree bit for bit.
 */
public final class Q8_0Matrix extends WeightMatrix {
    private static final VectorSpecies<Float> S = KernelSpecies.FLOAT;
    private static final VectorSpecies<Byte> B = KernelSpecies.BYTE;
    private static final int L = KernelSpecies.LANES;
    /** Whether to block four tokens at a time (see {@link #dot4x4}). */
    private static final boolean WIDE = L >= 16;
    private static final int QK = 32;
    private static final int BLOCK_BYTES = 34;
    private static final ValueLayout.OfShort HALF = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private final int blocks;
    private final long rowBytes;
    private final QuarterStreams.FourRows fourRows = (r, gap, x, sums) -> dot4(r, gap, x, 0, sums);

    /** @param cols a multiple of 32 (the loader refuses other tensors) */
    public Q8_0Matrix(MemorySegment data, int rows, int cols) {
        super(data, rows, cols);
        if (cols % QK != 0) {
            throw new IllegalArgumentException("Q8_0 rows need a multiple of " + QK + " elements, got " + cols);
        }
        this.blocks = cols / QK;
        this.rowBytes = (long) blocks * BLOCK_BYTES;
    }

    @Override
    public WeightType type() {
        return WeightType.Q8_0;
    }

    private float scale(long block) {
        return Float.float16ToFloat(data.get(HALF, block));
    }

    /** Lanes {@code [s*L, s*L+L)} of the block at {@code block}, dequantized. */
    private FloatVector weights(long block, int s, float d) {
        ByteVector q = ByteVector.fromMemorySegment(B, data, block + 2 + (long) s * L, LE);
        return ((FloatVector) q.convertShape(VectorOperators.B2F, S, 0)).mul(d);
    }

    @Override
    public float dot(int row, float[] x, int xOffset) {
        long base = row * rowBytes;
        FloatVector acc = FloatVector.zero(S);
        for (int b = 0; b < blocks; b++) {
            long blk = base + (long) b * BLOCK_BYTES;
            float d = scale(blk);
            int xb = xOffset + b * QK;
            for (int s = 0; s < QK / L; s++) {
                acc = weights(blk, s, d).fma(FloatVector.fromArray(S, x, xb + s * L), acc);
            }
        }
        return LaneSum.sum(acc);
    }

    @Override
    public void copyRow(int row, float[] out, int outOffset) {
        long base = row * rowBytes;
        for (int b = 0; b < blocks; b++) {
            long blk = base + (long) b * BLOCK_BYTES;
            float d = scale(blk);
            for (int s = 0; s < QK / L; s++) {
                weights(blk, s, d).intoArray(out, outOffset + b * QK + s * L);
            }
        }
    }

    /** See {@link QuarterStreams}. */
    @Override
    public void matvec(float[] x, float[] out, int rowStart, int rowEnd) {
        QuarterStreams.matvec(this, fourRows, x, out, rowStart, rowEnd);
    }

    @Override
    public void matmul(float[] x, int nTokens, float[] out, int outStride, int rowStart, int rowEnd) {
        float[] sums = new float[16 * L];
        int r = rowStart;
        for (; r + 4 <= rowEnd; r += 4) {
            int t = 0;
            if (WIDE) {
                for (; t + 4 <= nTokens; t += 4) {
                    dot4x4(r, x, t * cols, sums);
                    for (int k = 0; k < 4; k++) {
                        LaneSum.store(sums, 4 * k, 4, out, (t + k) * outStride + r);
                    }
                }
            }
            for (; t + 2 <= nTokens; t += 2) {
                dot4x2(r, x, t * cols, sums);
                LaneSum.store(sums, 0, 4, out, t * outStride + r);
                LaneSum.store(sums, 4, 4, out, (t + 1) * outStride + r);
            }
            for (; t < nTokens; t++) {
                dot4(r, x, t * cols, sums);
                LaneSum.store(sums, 0, 4, out, t * outStride + r);
            }
        }
        for (; r < rowEnd; r++) {
            for (int t = 0; t < nTokens; t++) {
                out[t * outStride + r] = dot(r, x, t * cols);
            }
        }
    }

    /** Rows r..r+3 against one token; the four accumulators go to {@code sums} unsummed (see {@link LaneSum#store}). */
    private void dot4(int r, float[] x, int xOff, float[] sums) {
        dot4(r, 1, x, xOff, sums);
    }

    /** Rows r, r + gap, r + 2 gap and r + 3 gap against one token, as {@link #dot4(int, float[], int, float[])}. */
    private void dot4(int r, int gap, float[] x, int xOff, float[] sums) {
        long b0 = r * rowBytes;
        long step = gap * rowBytes;
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = FloatVector.zero(S);
        FloatVector a2 = FloatVector.zero(S);
        FloatVector a3 = FloatVector.zero(S);
        for (int b = 0; b < blocks; b++) {
            long k0 = b0 + (long) b * BLOCK_BYTES;
            long k1 = k0 + step;
            long k2 = k1 + step;
            long k3 = k2 + step;
            float d0 = scale(k0);
            float d1 = scale(k1);
            float d2 = scale(k2);
            float d3 = scale(k3);
            int xb = xOff + b * QK;
            for (int s = 0; s < QK / L; s++) {
                FloatVector v = FloatVector.fromArray(S, x, xb + s * L);
                a0 = weights(k0, s, d0).fma(v, a0);
                a1 = weights(k1, s, d1).fma(v, a1);
                a2 = weights(k2, s, d2).fma(v, a2);
                a3 = weights(k3, s, d3).fma(v, a3);
            }
        }
        a0.intoArray(sums, 0);
        a1.intoArray(sums, L);
        a2.intoArray(sums, 2 * L);
        a3.intoArray(sums, 3 * L);
    }

    /** Rows r..r+3 against two tokens (token 1 accumulators after token 0 ones): each dequantized weight vector is used twice. */
    private void dot4x2(int r, float[] x, int xOff, float[] sums) {
        long b0 = r * rowBytes;
        int xOff2 = xOff + cols;
        FloatVector a0 = FloatVector.zero(S), c0 = FloatVector.zero(S);
        FloatVector a1 = FloatVector.zero(S), c1 = FloatVector.zero(S);
        FloatVector a2 = FloatVector.zero(S), c2 = FloatVector.zero(S);
        FloatVector a3 = FloatVector.zero(S), c3 = FloatVector.zero(S);
        for (int b = 0; b < blocks; b++) {
            long k0 = b0 + (long) b * BLOCK_BYTES;
            long k1 = k0 + rowBytes;
            long k2 = k1 + rowBytes;
            long k3 = k2 + rowBytes;
            float d0 = scale(k0);
            float d1 = scale(k1);
            float d2 = scale(k2);
            float d3 = scale(k3);
            int xb = xOff + b * QK;
            int ub = xOff2 + b * QK;
            for (int s = 0; s < QK / L; s++) {
                FloatVector v = FloatVector.fromArray(S, x, xb + s * L);
                FloatVector u = FloatVector.fromArray(S, x, ub + s * L);
                FloatVector w0 = weights(k0, s, d0);
                FloatVector w1 = weights(k1, s, d1);
                FloatVector w2 = weights(k2, s, d2);
                FloatVector w3 = weights(k3, s, d3);
                a0 = w0.fma(v, a0);
                c0 = w0.fma(u, c0);
                a1 = w1.fma(v, a1);
                c1 = w1.fma(u, c1);
                a2 = w2.fma(v, a2);
                c2 = w2.fma(u, c2);
                a3 = w3.fma(v, a3);
                c3 = w3.fma(u, c3);
            }
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

    /**
     * Rows r..r+3 against four tokens (accumulators token by token): each dequantized weight
     * vector is used four times. Needs 21 vector registers, so only used with 16-lane vectors
     * (AVX-512 has 32 registers; AVX2's 16 would spill).
     */
    private void dot4x4(int r, float[] x, int xOff, float[] sums) {
        long b0 = r * rowBytes;
        FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S), a2 = FloatVector.zero(S), a3 = FloatVector.zero(S);
        FloatVector c0 = FloatVector.zero(S), c1 = FloatVector.zero(S), c2 = FloatVector.zero(S), c3 = FloatVector.zero(S);
        FloatVector e0 = FloatVector.zero(S), e1 = FloatVector.zero(S), e2 = FloatVector.zero(S), e3 = FloatVector.zero(S);
        FloatVector g0 = FloatVector.zero(S), g1 = FloatVector.zero(S), g2 = FloatVector.zero(S), g3 = FloatVector.zero(S);
        for (int b = 0; b < blocks; b++) {
            long k0 = b0 + (long) b * BLOCK_BYTES;
            long k1 = k0 + rowBytes;
            long k2 = k1 + rowBytes;
            long k3 = k2 + rowBytes;
            float d0 = scale(k0);
            float d1 = scale(k1);
            float d2 = scale(k2);
            float d3 = scale(k3);
            int xb = xOff + b * QK;
            for (int s = 0; s < QK / L; s++) {
                int o = xb + s * L;
                FloatVector v0 = FloatVector.fromArray(S, x, o);
                FloatVector v1 = FloatVector.fromArray(S, x, o + cols);
                FloatVector v2 = FloatVector.fromArray(S, x, o + 2 * cols);
                FloatVector v3 = FloatVector.fromArray(S, x, o + 3 * cols);
                FloatVector w = weights(k0, s, d0);
                a0 = w.fma(v0, a0);
                c0 = w.fma(v1, c0);
                e0 = w.fma(v2, e0);
                g0 = w.fma(v3, g0);
                w = weights(k1, s, d1);
                a1 = w.fma(v0, a1);
                c1 = w.fma(v1, c1);
                e1 = w.fma(v2, e1);
                g1 = w.fma(v3, g1);
                w = weights(k2, s, d2);
                a2 = w.fma(v0, a2);
                c2 = w.fma(v1, c2);
                e2 = w.fma(v2, e2);
                g2 = w.fma(v3, g2);
                w = weights(k3, s, d3);
                a3 = w.fma(v0, a3);
                c3 = w.fma(v1, c3);
                e3 = w.fma(v2, e3);
                g3 = w.fma(v3, g3);
            }
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
