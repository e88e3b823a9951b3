package io.sparkllama.engine.tensor.stored;

import io.sparkllama.engine.tensor.WeightMatrix;
import io.sparkllama.engine.tensor.WeightType;
import io.sparkllama.engine.tensor.kernel.DequantizedKernels;
import io.sparkllama.engine.tensor.kernel.KernelSpecies;
import io.sparkllama.engine.tensor.kernel.LaneSum;
import io.sparkllama.engine.tensor.kernel.QuarterStreams;
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
 *
 * <p>The kernels are {@link Q4_0Matrix}'s twins with another unpack, on purpose: in a shared base the
 * call to {@code weights} would see both types, C2 would not inline it, and every vector it
 * returns would be boxed.
 */
public final class Q8_0Matrix extends WeightMatrix {
    private static final VectorSpecies<Float> S = KernelSpecies.FLOAT;
    private static final int L = KernelSpecies.LANES;
    private static final int PARTS = LaneSum.PARTS;
    private static final int QK = 32;
    private static final int BLOCK_BYTES = 34;
    private static final ValueLayout.OfShort HALF = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

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
        ByteVector q = KernelSpecies.bytes(data, block + 2 + (long) s * L);
        return ((FloatVector) q.convertShape(VectorOperators.B2F, S, 0)).mul(d);
    }

    @Override
    public float dot(int row, float[] x, int xOffset) {
        long base = row * rowBytes;
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        for (int b = 0; b < blocks; b++) {
            long blk = base + (long) b * BLOCK_BYTES;
            float d = scale(blk);
            int xb = xOffset + b * QK;
            for (int s = 0; s < QK / L; s += PARTS) {
                a0 = weights(blk, s, d).fma(FloatVector.fromArray(S, x, xb + s * L), a0);
                if (PARTS > 1) {
                    a1 = weights(blk, s + 1, d).fma(FloatVector.fromArray(S, x, xb + (s + 1) * L), a1);
                }
                if (PARTS > 2) {
                    a2 = weights(blk, s + 2, d).fma(FloatVector.fromArray(S, x, xb + (s + 2) * L), a2);
                    a3 = weights(blk, s + 3, d).fma(FloatVector.fromArray(S, x, xb + (s + 3) * L), a3);
                }
            }
        }
        return LaneSum.sum(a0, a1, a2, a3);
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

    /**
     * Through {@link DequantizedKernels}: rows unpacked once into scratch, then fp32 register
     * blocks. Measured 1.3x (Q8_0) and 2.4x (Q4_0) the fused kernels that dequantized inside the
     * 4x4 block (2048x2048, 64 tokens, 1 thread: 89 GFLOP/s both).
     */
    @Override
    public void matmul(float[] x, int nTokens, float[] out, int outStride, int rowStart, int rowEnd) {
        DequantizedKernels.matmul(this, x, nTokens, out, outStride, rowStart, rowEnd);
    }

    /** Rows r, r + gap, r + 2 gap and r + 3 gap against one token; their 16-lane accumulators go to {@code sums} unsummed. */
    private void dot4(int r, int gap, float[] x, int xOff, float[] sums) {
        long b0 = r * rowBytes;
        long step = gap * rowBytes;
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        FloatVector c0 = a0, c1 = a0, c2 = a0, c3 = a0;
        FloatVector e0 = a0, e1 = a0, e2 = a0, e3 = a0;
        FloatVector g0 = a0, g1 = a0, g2 = a0, g3 = a0;
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
            for (int s = 0; s < QK / L; s += PARTS) {
                FloatVector v = FloatVector.fromArray(S, x, xb + s * L);
                a0 = weights(k0, s, d0).fma(v, a0);
                a1 = weights(k1, s, d1).fma(v, a1);
                a2 = weights(k2, s, d2).fma(v, a2);
                a3 = weights(k3, s, d3).fma(v, a3);
                if (PARTS > 1) {
                    v = FloatVector.fromArray(S, x, xb + (s + 1) * L);
                    c0 = weights(k0, s + 1, d0).fma(v, c0);
                    c1 = weights(k1, s + 1, d1).fma(v, c1);
                    c2 = weights(k2, s + 1, d2).fma(v, c2);
                    c3 = weights(k3, s + 1, d3).fma(v, c3);
                }
                if (PARTS > 2) {
                    v = FloatVector.fromArray(S, x, xb + (s + 2) * L);
                    e0 = weights(k0, s + 2, d0).fma(v, e0);
                    e1 = weights(k1, s + 2, d1).fma(v, e1);
                    e2 = weights(k2, s + 2, d2).fma(v, e2);
                    e3 = weights(k3, s + 2, d3).fma(v, e3);
                    v = FloatVector.fromArray(S, x, xb + (s + 3) * L);
                    g0 = weights(k0, s + 3, d0).fma(v, g0);
                    g1 = weights(k1, s + 3, d1).fma(v, g1);
                    g2 = weights(k2, s + 3, d2).fma(v, g2);
                    g3 = weights(k3, s + 3, d3).fma(v, g3);
                }
            }
        }
        // Row i's 16 lanes at sums[16i ..]: part 0 (a), then 1 (c), 2 (e), 3 (g) where the machine has them.
        a0.intoArray(sums, 0);
        a1.intoArray(sums, 16);
        a2.intoArray(sums, 32);
        a3.intoArray(sums, 48);
        if (PARTS > 1) {
            c0.intoArray(sums, L);
            c1.intoArray(sums, 16 + L);
            c2.intoArray(sums, 32 + L);
            c3.intoArray(sums, 48 + L);
        }
        if (PARTS > 2) {
            e0.intoArray(sums, 2 * L);
            e1.intoArray(sums, 16 + 2 * L);
            e2.intoArray(sums, 32 + 2 * L);
            e3.intoArray(sums, 48 + 2 * L);
            g0.intoArray(sums, 3 * L);
            g1.intoArray(sums, 16 + 3 * L);
            g2.intoArray(sums, 32 + 3 * L);
            g3.intoArray(sums, 48 + 3 * L);
        }
    }
}
