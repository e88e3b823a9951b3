package io.sparkllama.engine.tensor;

/** Storage types of weight tensors; each has its own {@link WeightMatrix} implementation. */
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

    /** Bytes taken by {@code elements} values, which must be a whole number of blocks. */
    public long byteSize(long elements) {
        return elements / blockSize * blockBytes;
    }
}
