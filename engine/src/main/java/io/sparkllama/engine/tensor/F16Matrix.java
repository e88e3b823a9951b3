package io.sparkllama.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Little-endian IEEE half-precision weights, widened to fp32 inside the dot product. */
public final class F16Matrix extends WeightMatrix {
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    public F16Matrix(MemorySegment data, int rows, int cols) {
        super(data, rows, cols);
    }

    @Override
    public WeightType type() {
        return WeightType.F16;
    }

    @Override
    public float dot(int row, float[] x, int xOffset) {
        long base = (long) row * cols * 2;
        // Four partial sums break the dependency chain; Float.float16ToFloat is a JIT intrinsic.
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (; i + 4 <= cols; i += 4) {
            long o = base + (long) i * 2;
            s0 += Float.float16ToFloat(data.get(SHORT, o)) * x[xOffset + i];
            s1 += Float.float16ToFloat(data.get(SHORT, o + 2)) * x[xOffset + i + 1];
            s2 += Float.float16ToFloat(data.get(SHORT, o + 4)) * x[xOffset + i + 2];
            s3 += Float.float16ToFloat(data.get(SHORT, o + 6)) * x[xOffset + i + 3];
        }
        float sum = (s0 + s1) + (s2 + s3);
        for (; i < cols; i++) {
            sum += Float.float16ToFloat(data.get(SHORT, base + (long) i * 2)) * x[xOffset + i];
        }
        return sum;
    }

    @Override
    public void copyRow(int row, float[] out, int outOffset) {
        long base = (long) row * cols * 2;
        for (int i = 0; i < cols; i++) {
            out[outOffset + i] = Float.float16ToFloat(data.get(SHORT, base + (long) i * 2));
        }
    }
}
