package io.sparkllama.engine.tensor.stored;

import io.sparkllama.engine.tensor.WeightMatrix;
import io.sparkllama.engine.tensor.WeightType;
import io.sparkllama.engine.tensor.kernel.DequantizedKernels;
import io.sparkllama.engine.tensor.kernel.KernelScratch;
import io.sparkllama.engine.tensor.kernel.KernelSpecies;
import io.sparkllama.engine.tensor.kernel.LaneSum;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * bfloat16 weights (as Meta ships them), widened to fp32 in registers for dot and matvec, and by
 * copyRow into scratch for matmul ({@link DequantizedKernels}). Every kernel accumulates a (row,
 * token) pair in the same order (one vector accumulator over the row, a fixed-order lane sum, then
 * a scalar tail), so dot, matvec and matmul agree bit for bit.
 */
public final class BF16Matrix extends WeightMatrix {
    private static final VectorSpecies<Float> S = KernelSpecies.FLOAT;
    private static final VectorSpecies<Short> H = KernelSpecies.SHORT;
    private static final VectorSpecies<Integer> I = KernelSpecies.INT;
    private static final int L = KernelSpecies.LANES;
    private static final int PARTS = LaneSum.PARTS;
    private static final ValueLayout.OfShort HALF = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private final int vecBound;
    private final long rowBytes;

    public BF16Matrix(MemorySegment data, int rows, int cols) {
        super(data, rows, cols);
        this.vecBound = LaneSum.loopBound(cols);
        this.rowBytes = (long) cols * 2;
    }

    @Override
    public WeightType type() {
        return WeightType.BF16;
    }

    /** L bfloat16s at byte offset {@code off}, as floats: a bfloat16 is the top half of a float. */
    private FloatVector load(long off) {
        IntVector h = (IntVector) ShortVector.fromMemorySegment(H, data, off, LE).convertShape(VectorOperators.S2I, I, 0);
        return h.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    private float at(long off) {
        return Float.intBitsToFloat(data.get(HALF, off) << 16);
    }

    @Override
    public float dot(int row, float[] x, int xOffset) {
        long base = row * rowBytes;
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        for (int i = 0; i < vecBound; i += LaneSum.WIDTH) {
            a0 = load(base + 2L * i).fma(FloatVector.fromArray(S, x, xOffset + i), a0);
            if (PARTS > 1) {
                a1 = load(base + 2L * (i + L)).fma(FloatVector.fromArray(S, x, xOffset + i + L), a1);
            }
            if (PARTS > 2) {
                a2 = load(base + 2L * (i + 2 * L)).fma(FloatVector.fromArray(S, x, xOffset + i + 2 * L), a2);
                a3 = load(base + 2L * (i + 3 * L)).fma(FloatVector.fromArray(S, x, xOffset + i + 3 * L), a3);
            }
        }
        return tail(row, x, xOffset, LaneSum.sum(a0, a1, a2, a3));
    }

    /** Adds the elements past the last whole vector to {@code sum}, in order. */
    private float tail(int row, float[] x, int xOffset, float sum) {
        long base = row * rowBytes;
        for (int i = vecBound; i < cols; i++) {
            sum += at(base + 2L * i) * x[xOffset + i];
        }
        return sum;
    }

    @Override
    public void copyRow(int row, float[] out, int outOffset) {
        long base = row * rowBytes;
        int i = 0;
        for (; i < vecBound; i += L) {
            load(base + 2L * i).intoArray(out, outOffset + i);
        }
        for (; i < cols; i++) {
            out[outOffset + i] = at(base + 2L * i);
        }
    }

    /**
     * Fused in registers, unlike matmul: widening a bfloat16 is one shift, small enough for C2 to
     * inline into a four-row kernel, and it beats unpacking into scratch when each weight is used
     * once. Four neighbouring rows at a time: from cache 1.4x faster than one row after another,
     * and as fast from DRAM at 16384x2048 (Q8_0 and Q4_0 were not; see {@link QuarterStreams}).
     */
    @Override
    public void matvec(float[] x, float[] out, int rowStart, int rowEnd) {
        float[] sums = KernelScratch.ofThread().sums;
        int r = rowStart;
        for (; r + 4 <= rowEnd; r += 4) {
            dot4(r, x, 0, sums);
            finish(sums, 0, r, x, 0, out, r);
        }
        for (; r < rowEnd; r++) {
            out[r] = dot(r, x, 0);
        }
    }

    @Override
    public void matmul(float[] x, int nTokens, float[] out, int outStride, int rowStart, int rowEnd) {
        DequantizedKernels.matmul(this, x, nTokens, out, outStride, rowStart, rowEnd);
    }

    /** Rows r..r+3 of one token from their stored accumulators {@code first..first+3}: lane sums, then tails. */
    private void finish(float[] sums, int first, int r, float[] x, int xOff, float[] out, int outOff) {
        for (int k = 0; k < 4; k++) {
            out[outOff + k] = tail(r + k, x, xOff, LaneSum.sum(sums, (first + k) * LaneSum.WIDTH));
        }
    }

    /** Rows r..r+3 against one token; the four 16-lane accumulators go to {@code sums} unsummed. */
    private void dot4(int r, float[] x, int xOff, float[] sums) {
        long b0 = r * rowBytes;
        long b1 = b0 + rowBytes;
        long b2 = b1 + rowBytes;
        long b3 = b2 + rowBytes;
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        FloatVector c0 = a0, c1 = a0, c2 = a0, c3 = a0;
        FloatVector e0 = a0, e1 = a0, e2 = a0, e3 = a0;
        FloatVector g0 = a0, g1 = a0, g2 = a0, g3 = a0;
        for (int i = 0; i < vecBound; i += LaneSum.WIDTH) {
            long o = 2L * i;
            FloatVector v = FloatVector.fromArray(S, x, xOff + i);
            a0 = load(b0 + o).fma(v, a0);
            a1 = load(b1 + o).fma(v, a1);
            a2 = load(b2 + o).fma(v, a2);
            a3 = load(b3 + o).fma(v, a3);
            if (PARTS > 1) {
                o += 2L * L;
                v = FloatVector.fromArray(S, x, xOff + i + L);
                c0 = load(b0 + o).fma(v, c0);
                c1 = load(b1 + o).fma(v, c1);
                c2 = load(b2 + o).fma(v, c2);
                c3 = load(b3 + o).fma(v, c3);
            }
            if (PARTS > 2) {
                o += 2L * L;
                v = FloatVector.fromArray(S, x, xOff + i + 2 * L);
                e0 = load(b0 + o).fma(v, e0);
                e1 = load(b1 + o).fma(v, e1);
                e2 = load(b2 + o).fma(v, e2);
                e3 = load(b3 + o).fma(v, e3);
                o += 2L * L;
                v = FloatVector.fromArray(S, x, xOff + i + 3 * L);
                g0 = load(b0 + o).fma(v, g0);
                g1 = load(b1 + o).fma(v, g1);
                g2 = load(b2 + o).fma(v, g2);
                g3 = load(b3 + o).fma(v, g3);
            }
        }
        // Row k's 16 lanes at sums[16k ..]: part 0 (a), then 1 (c), 2 (e), 3 (g) where the machine has them.
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
