package io.sparkllama.engine.tensor;

import io.sparkllama.engine.tensor.stored.BF16Matrix;
import io.sparkllama.engine.tensor.stored.F16Matrix;
import io.sparkllama.engine.tensor.stored.F32Matrix;
import io.sparkllama.engine.tensor.stored.Q4_0Matrix;
import io.sparkllama.engine.tensor.stored.Q4_KMatrix;
import io.sparkllama.engine.tensor.stored.Q6_KMatrix;
import io.sparkllama.engine.tensor.stored.Q8_0Matrix;
import java.lang.foreign.MemorySegment;

/**
 * Storage types of weight tensors; each has its own {@link WeightMatrix} implementation and says
 * how the forward pass repacks it at load.
 */
public enum WeightType {
    F32(1, 4),
    F16(1, 2),
    BF16(1, 2),
    Q8_0(32, 34),
    Q4_0(32, 18),
    Q4_K(256, 144),
    Q6_K(256, 210);

    /** Elements per block (1 for plain floats). */
    public final int blockSize;
    /** Bytes per block. */
    public final int blockBytes;

    WeightType(int blockSize, int blockBytes) {
        this.blockSize = blockSize;
        this.blockBytes = blockBytes;
    }

    /** How the forward pass lays matrices of this type out at load ({@link WeightMatrix#forForwardPass}). */
    public Repacking repacking() {
        return switch (this) {
            // Row panels: each lane runs its own FMA chain, so prefill needs no lane sums.
            case F32 -> Repacking.F32_PANELS;
            // Int8 panels when activations are int8, as llama.cpp multiplies.
            case Q8_0, Q4_0 -> Repacking.INT8_PANELS;
            case F16, BF16, Q4_K, Q6_K -> Repacking.NONE;
        };
    }

    /** A row-major matrix view of {@code data} in this stored type (the caller has checked its size). */
    public WeightMatrix matrix(MemorySegment data, int rows, int cols) {
        return switch (this) {
            case F32 -> new F32Matrix(data, rows, cols);
            case F16 -> new F16Matrix(data, rows, cols);
            case BF16 -> new BF16Matrix(data, rows, cols);
            case Q8_0 -> new Q8_0Matrix(data, rows, cols);
            case Q4_0 -> new Q4_0Matrix(data, rows, cols);
            case Q4_K -> new Q4_KMatrix(data, rows, cols);
            case Q6_K -> new Q6_KMatrix(data, rows, cols);
        };
    }

    /** Bytes taken by {@code elements} values, which must be a whole number of blocks. */
    public long byteSize(long elements) {
        return elements / blockSize * blockBytes;
    }
}
