package io.sparkllama.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Little-endian fp32 weights as stored, rows read straight from the mapped segment: the embedding
 * table, and the source the forward pass repacks its matrices from ({@link PackedF32Matrix}).
 */
public final class F32Matrix extends WeightMatrix {
    private static final VectorSpecies<Float> S = KernelSpecies.FLOAT;
    private static final int L = KernelSpecies.LANES;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private final int vecBound;

    public F32Matrix(MemorySegment data, int rows, int cols) {
        super(data, rows, cols);
        this.vecBound = S.loopBound(cols);
    }

    @Override
    public WeightType type() {
        return WeightType.F32;
    }

    @Override
    public float dot(int row, float[] x, int xOffset) {
        long base = (long) row * cols * Float.BYTES;
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (; i < vecBound; i += L) {
            FloatVector w = FloatVector.fromMemorySegment(S, data, base + (long) i * Float.BYTES, LE);
            acc = w.fma(FloatVector.fromArray(S, x, xOffset + i), acc);
        }
        float sum = LaneSum.sum(acc);
        for (; i < cols; i++) {
            sum += data.get(FLOAT, base + (long) i * Float.BYTES) * x[xOffset + i];
        }
        return sum;
    }

    @Override
    public void copyRow(int row, float[] out, int outOffset) {
        MemorySegment.copy(data, FLOAT, (long) row * cols * Float.BYTES, out, outOffset, cols);
    }
}
