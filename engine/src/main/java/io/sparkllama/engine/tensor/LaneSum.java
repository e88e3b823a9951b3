package io.sparkllama.engine.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Horizontal sum of a float vector in one fixed order (a butterfly of lane swaps), whether the
 * JIT intrinsifies it or not: {@code reduceLanes(ADD)} may reorder, and the kernels promise
 * bit-identical results from dot, matvec and matmul. The shuffles are constants, so each step
 * compiles to one permute and one add.
 */
public final class LaneSum {
    private static final VectorSpecies<Float> S = KernelSpecies.FLOAT;
    private static final int L = KernelSpecies.LANES;
    private static final VectorShuffle<Float> SWAP8 = swap(8);
    private static final VectorShuffle<Float> SWAP4 = swap(4);
    private static final VectorShuffle<Float> SWAP2 = swap(2);
    private static final VectorShuffle<Float> SWAP1 = swap(1);

    private LaneSum() {
    }

    /** Lane i takes lane i ^ k (the identity where k is not below the lane count). */
    private static VectorShuffle<Float> swap(int k) {
        return VectorShuffle.fromOp(S, i -> k < L ? i ^ k : i);
    }

    public static float sum(FloatVector v) {
        if (L >= 16) {
            v = v.add(v.rearrange(SWAP8));
        }
        if (L >= 8) {
            v = v.add(v.rearrange(SWAP4));
        }
        v = v.add(v.rearrange(SWAP2));
        v = v.add(v.rearrange(SWAP1));
        return v.lane(0);
    }

    /**
     * Sums {@code n} vector accumulators stored in {@code sums} from the {@code first}-th on into
     * {@code out[outOff ..]}. Big unrolled kernels store their accumulators rather than summing
     * them in place, which keeps them small enough for the JIT to inline everything they call.
     */
    static void store(float[] sums, int first, int n, float[] out, int outOff) {
        for (int k = 0; k < n; k++) {
            out[outOff + k] = sum(FloatVector.fromArray(S, sums, (first + k) * L));
        }
    }
}
