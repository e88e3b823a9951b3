package io.sparkllama.engine.tensor.stored;

import io.sparkllama.engine.tensor.WeightMatrix;
import io.sparkllama.engine.tensor.WeightType;
import io.sparkllama.engine.tensor.kernel.DequantizedKernels;
import io.sparkllama.engine.tensor.kernel.KernelSpecies;
import io.sparkllama.engine.tensor.kernel.LaneSum;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * IEEE half-precision weights, widened to fp32 exactly (subnormals, infinities and NaNs included):
 * in registers for dot, by copyRow into scratch for matvec and matmul ({@link DequantizedKernels}).
 * Every kernel accumulates a (row, token) pair in the same order (one vector accumulator over the
 * row, a fixed-order lane sum, then a scalar tail), so dot, matvec and matmul agree bit for bit.
 */
public final class F16Matrix extends WeightMatrix {
    private static final VectorSpecies<Float> S = KernelSpecies.FLOAT;
    private static final VectorSpecies<Short> H = KernelSpecies.SHORT;
    private static final VectorSpecies<Integer> I = KernelSpecies.INT;
    private static final int L = KernelSpecies.LANES;
    private static final int PARTS = LaneSum.PARTS;
    private static final ValueLayout.OfShort HALF = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    /** 2^112 rescales a half's exponent (bias 15) shifted into a float's (bias 127). */
    private static final float REBIAS = 0x1p112f;

    private final int vecBound;
    private final long rowBytes;

    public F16Matrix(MemorySegment data, int rows, int cols) {
        super(data, rows, cols);
        this.vecBound = LaneSum.loopBound(cols);
        this.rowBytes = (long) cols * 2;
    }

    @Override
    public WeightType type() {
        return WeightType.F16;
    }

    /** L halves at byte offset {@code off}, as floats. */
    private FloatVector load(long off) {
        IntVector h = (IntVector) ShortVector.fromMemorySegment(H, data, off, LE).convertShape(VectorOperators.S2I, I, 0);
        IntVector magnitude = h.and(0x7FFF).lanewise(VectorOperators.LSHL, 13);
        IntVector sign = h.and(0x8000).lanewise(VectorOperators.LSHL, 16);
        // Multiplying by 2^112 fixes the exponent of normals and subnormals alike; the all-ones
        // exponent (infinity, NaN) must become the float one instead.
        IntVector bits = magnitude.reinterpretAsFloats().mul(REBIAS).reinterpretAsInts();
        VectorMask<Integer> special = h.and(0x7C00).compare(VectorOperators.EQ, 0x7C00);
        bits = bits.blend(magnitude.or(0x7F800000), special);
        return bits.or(sign).reinterpretAsFloats();
    }

    private float at(long off) {
        return Float.float16ToFloat(data.get(HALF, off));
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

    /**
     * A plain loop on purpose: C2 vectorizes {@code Float.float16ToFloat} over the mapping into the
     * hardware's half-to-float conversion (exact, like {@link #load}), several times faster than
     * the bit-twiddling vector path, and matvec and matmul spend their time here.
     */
    @Override
    public void copyRow(int row, float[] out, int outOffset) {
        long base = row * rowBytes;
        for (int i = 0; i < cols; i++) {
            out[outOffset + i] = at(base + 2L * i);
        }
    }

    @Override
    public void matmul(float[] x, int nTokens, float[] out, int outStride, int rowStart, int rowEnd) {
        DequantizedKernels.matmul(this, x, nTokens, out, outStride, rowStart, rowEnd);
    }
}
