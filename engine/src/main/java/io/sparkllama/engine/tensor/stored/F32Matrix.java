package io.sparkllama.engine.tensor.stored;

import io.sparkllama.engine.tensor.WeightMatrix;
import io.sparkllama.engine.tensor.WeightType;
import io.sparkllama.engine.tensor.kernel.KernelSpecies;
import io.sparkllama.engine.tensor.kernel.LaneSum;
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
    private static final int PARTS = LaneSum.PARTS;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private final int vecBound;

    public F32Matrix(MemorySegment data, int rows, int cols) {
        super(data, rows, cols);
        this.vecBound = LaneSum.loopBound(cols);
    }

    @Override
    public WeightType type() {
        return WeightType.F32;
    }

    @Override
    public float dot(int row, float[] x, int xOffset) {
        long base = (long) row * cols * Float.BYTES;
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        for (int i = 0; i < vecBound; i += LaneSum.WIDTH) {
            long o = base + (long) i * Float.BYTES;
            a0 = FloatVector.fromMemorySegment(S, data, o, LE).fma(FloatVector.fromArray(S, x, xOffset + i), a0);
            if (PARTS > 1) {
                a1 = FloatVector.fromMemorySegment(S, data, o + L * Float.BYTES, LE).fma(FloatVector.fromArray(S, x, xOffset + i + L), a1);
            }
            if (PARTS > 2) {
                a2 = FloatVector.fromMemorySegment(S, data, o + 2 * L * Float.BYTES, LE).fma(FloatVector.fromArray(S, x, xOffset + i + 2 * L), a2);
                a3 = FloatVector.fromMemorySegment(S, data, o + 3 * L * Float.BYTES, LE).fma(FloatVector.fromArray(S, x, xOffset + i + 3 * L), a3);
            }
        }
        float sum = LaneSum.sum(a0, a1, a2, a3);
        for (int i = vecBound; i < cols; i++) {
            sum += data.get(FLOAT, base + (long) i * Float.BYTES) * x[xOffset + i];
        }
        return sum;
    }

    @Override
    public void copyRow(int row, float[] out, int outOffset) {
        MemorySegment.copy(data, FLOAT, (long) row * cols * Float.BYTES, out, outOffset, cols);
    }
}
