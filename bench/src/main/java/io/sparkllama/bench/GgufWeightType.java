package io.sparkllama.bench;

import io.sparkllama.engine.tensor.WeightType;

/** The weight types a synthetic GGUF file can hold, with their ggml tensor code and llama.cpp file type. */
enum GgufWeightType {
    F32(WeightType.F32, 0, 0),
    F16(WeightType.F16, 1, 1),
    Q8_0(WeightType.Q8_0, 8, 7),
    Q4_0(WeightType.Q4_0, 2, 2);

    final WeightType storage;
    /** ggml's tensor type code. */
    final int ggmlCode;
    /** {@code general.file_type} (llama_ftype) of a file whose matrices all have this type. */
    final int fileType;

    GgufWeightType(WeightType storage, int ggmlCode, int fileType) {
        this.storage = storage;
        this.ggmlCode = ggmlCode;
        this.fileType = fileType;
    }

    /** Bytes of one row of {@code cols} weights (a whole number of blocks). */
    long rowBytes(int cols) {
        if (cols % storage.blockSize != 0) {
            throw new IllegalArgumentException(cols + " columns are not a whole number of " + name() + " blocks");
        }
        return storage.byteSize(cols);
    }

    boolean quantized() {
        return storage.blockSize > 1;
    }
}
