package io.sparkllama.engine.format;

import io.sparkllama.engine.tensor.WeightMatrix;
import io.sparkllama.engine.tensor.WeightType;
import io.sparkllama.engine.tensor.stored.F16Matrix;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * One named tensor of a checkpoint: its stored type, row-major shape and bytes (a slice of a mapped
 * file whose size the reader has already checked against the shape).
 */
public record TensorView(String name, WeightType type, long[] shape, MemorySegment data) {
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** A 2-D tensor as a matrix view in its stored type (the caller has checked the shape). */
    public WeightMatrix matrix() {
        int rows = (int) shape[0];
        int cols = (int) shape[1];
        return type.matrix(data, rows, cols);
    }

    /** A small 1-D tensor (a norm weight) copied to the heap as fp32. */
    public float[] toFloats() {
        int n = (int) elements();
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = switch (type) {
                case F32 -> data.get(FLOAT, (long) i * 4);
                case F16 -> Float.float16ToFloat(data.get(SHORT, (long) i * 2));
                case BF16 -> Float.intBitsToFloat(data.get(SHORT, (long) i * 2) << 16); // bf16: the top half of an fp32
                default -> throw new IllegalStateException("no float conversion for " + type);
            };
        }
        return out;
    }

    public long elements() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    public String shapeString() {
        return Arrays.toString(shape);
    }
}
