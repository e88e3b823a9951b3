package io.sparkllama.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/** Little-endian bfloat16 weights (the top half of an fp32), widened to fp32 inside the dot product. */
public final class BF16Matrix extends WeightMatrix {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Short> H = VectorSpecies.of(short.class, VectorShape.forBitSize(S.vectorBitSize() / 2));
    private static final int L = S.length();
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private final int vecBound;

    public BF16Matrix(MemorySegment data, int rows, int cols) {
        super(data, rows, cols);
        this.vecBound = S.loopBound(cols);
    }

    /** The fp32 value of one bfloat16 bit pattern. */
    public static float toFloat(short bits) {
        return Float.intBitsToFloat(bits << 16);
    }

    @Override
    public WeightType type() {
        return WeightType.BF16;
    }

    @Override
    public float dot(int row, float[] x, int xOffset) {
        long base = (long) row * cols * 2;
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (; i < vecBound; i += L) {
            ShortVector h = ShortVector.fromMemorySegment(H, data, base + (long) i * 2, LE);
            // Sign extension fills the low half, which the shift then pushes out: exact widening.
            FloatVector w = ((IntVector) h.convertShape(VectorOperators.S2I, I, 0))
                    .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
            acc = w.fma(FloatVector.fromArray(S, x, xOffset + i), acc);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < cols; i++) {
            sum += toFloat(data.get(SHORT, base + (long) i * 2)) * x[xOffset + i];
        }
        return sum;
    }

    @Override
    public void copyRow(int row, float[] out, int outOffset) {
        long base = (long) row * cols * 2;
        for (int i = 0; i < cols; i++) {
            out[outOffset + i] = toFloat(data.get(SHORT, base + (long) i * 2));
        }
    }
}
