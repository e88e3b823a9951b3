package io.sparkllama.bench.kernels;

import io.sparkllama.engine.tensor.WeightType;

/**
 * The work in one kernel call: {@code 2 x rows x cols x tokens} flops (a multiply and an add per
 * weight and token) and the matrix's stored bytes, which a call reads once whatever the tokens.
 */
public record KernelCost(WeightType type, MatrixShape shape, int tokens) {

    /** Whether {@code type} can store rows of this many columns (whole blocks only). */
    public static boolean fits(WeightType type, MatrixShape shape) {
        return shape.cols() % type.blockSize == 0;
    }

    public double flops() {
        return 2.0 * shape.elements() * tokens;
    }

    public long weightBytes() {
        return type.byteSize(shape.elements());
    }
}
