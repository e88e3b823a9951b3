package io.sparkllama.engine.tensor;

import jdk.incubator.vector.FloatVector;

/**
 * Horizontal sum of a float vector in one fixed order (pairwise halving), whether the JIT
 * intrinsifies it or not: {@code reduceLanes(ADD)} may reorder, and the quantized kernels promise
 * bit-identical results from dot, matvec and matmul.
 */
final class LaneSum {
    private LaneSum() {
    }

    static float sum(FloatVector v) {
        for (int half = v.length() >> 1; half > 0; half >>= 1) {
            v = v.add(v.slice(half));
        }
        return v.lane(0);
    }
}
