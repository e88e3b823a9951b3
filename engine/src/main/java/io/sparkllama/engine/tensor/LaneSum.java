package io.sparkllama.engine.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Horizontal sum of a float vector in one fixed order (a butterfly of lane swaps), whether the
 * JIT intrinsifies it or not: {@code reduceLanes(ADD)} may reorder, and the kernels promise
 * bit-identical results from dot, matvec and matmul. The shuffles are constants, so each step
 * compiles to one permute and one add.
 *
 * <p>A vector passed to a call that C2 does not inline is boxed, and C2 declines to inline even
 * small methods at call sites its profile deems cold (seen: a 3x slower matmul in one JVM out of
 * two). So kernels call {@link #sum(FloatVector)} only right after their own loop, and code that
 * reduces many accumulators stores them to an array and calls the array forms, which take no
 * vector arguments.
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

    /** The butterfly sum of {@code v}. Each step is a method of under 35 bytecodes, which C2 inlines wherever the call itself is inlined. */
    public static float sum(FloatVector v) {
        return fold1(fold2(fold4(fold8(v)))).lane(0);
    }

    private static FloatVector fold8(FloatVector v) {
        return L >= 16 ? v.add(v.rearrange(SWAP8)) : v;
    }

    private static FloatVector fold4(FloatVector v) {
        return L >= 8 ? v.add(v.rearrange(SWAP4)) : v;
    }

    private static FloatVector fold2(FloatVector v) {
        return v.add(v.rearrange(SWAP2));
    }

    private static FloatVector fold1(FloatVector v) {
        return v.add(v.rearrange(SWAP1));
    }

    /** {@link #sum(FloatVector)} of the vector stored at {@code a[off ..]}; the butterfly is spelled out so no vector crosses a call. */
    static float sum(float[] a, int off) {
        FloatVector v = FloatVector.fromArray(S, a, off);
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

    /** The sums of the four vectors stored in {@code sums} to {@code out[r + i * gap]}. */
    static void spread(float[] sums, float[] out, int r, int gap) {
        for (int i = 0; i < 4; i++) {
            out[r + i * gap] = sum(sums, i * L);
        }
    }
}
