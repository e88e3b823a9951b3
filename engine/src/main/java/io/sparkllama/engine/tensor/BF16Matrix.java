package io.sparkllama.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * bfloat16 weights (as Meta ships them), widened to fp32 in registers. Every kernel accumulates a (row, token) pair in the same order (one vector
 * accumulator over the row, a fixed-order lane sum, then a scalar tail), so dot, matvec and matmul
 * agree bit for bit.
 */
public final class BF16Matrix extends WeightMatrix {
    private static final VectorSpecies<Float> S = KernelSpecies.FLOAT;
    private static final VectorSpecies<Short> H = KernelSpecies.SHORT;
    private static final VectorSpecies<Integer> I = KernelSpecies.INT;
    private static final int L = KernelSpecies.LANES;
    private static final ValueLayout.OfShort HALF = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private final int vecBound;
    private final long rowBytes;

    public BF16Matrix(MemorySegment data, int rows, int cols) {
        super(data, rows, cols);
        this.vecBound = S.loopBound(cols);
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
        FloatVector acc = FloatVector.zero(S);
        for (int i = 0; i < vecBound; i += L) {
            acc = load(base + 2L * i).fma(FloatVector.fromArray(S, x, xOffset + i), acc);
        }
        return tail(row, x, xOffset, LaneSum.sum(acc));
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

    @Override
    public void matvec(float[] x, float[] out, int rowStart, int rowEnd) {
        DequantizedKernels.matvec(this, x, out, rowStart, rowEnd);
    }

    @Override
    public void matmul(float[] x, int nTokens, float[] out, int outStride, int rowStart, int rowEnd) {
        DequantizedKernels.matmul(this, x, nTokens, out, outStride, rowStart, rowEnd);
    }
}
