package io.sparkllama.engine.tensor.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The one order of every fp32 sum over a vector loop, the same on 128-, 256- and 512-bit
 * machines, so that a task retried on another CPU gives the same bits. The order has
 * {@link #WIDTH} = 16 logical lanes: element {@code e} of the vector part of a loop (which ends at
 * {@link #loopBound}, a multiple of 16) is added to lane {@code e % 16}, in order of e; the lanes
 * are then added by a butterfly (lane i + lane i+8, then +4, +2, +1); the elements past the bound
 * follow one by one. An AVX-512 machine holds the 16 lanes in one vector, an AVX2 machine in two
 * ({@link #PARTS}), a 128-bit machine in four: kernels keep accumulators {@code a0 .. a3} and use
 * {@code a1} only where PARTS &gt; 1, {@code a2} and {@code a3} only where PARTS &gt; 2.
 *
 * <p>The butterfly is spelled out with constant shuffles, not {@code reduceLanes(ADD)}, which may
 * reorder. A vector passed to a call that C2 does not inline is boxed, and C2 declines to inline
 * even small methods at call sites its profile deems cold; so kernels call
 * {@link #sum(FloatVector, FloatVector, FloatVector, FloatVector)} only right after their own loop,
 * and code that reduces many accumulators stores them to an array and calls
 * {@link #sum(float[], int)}, which takes no vector arguments.
 */
public final class LaneSum {
    /** Logical lanes of the canonical order. */
    public static final int WIDTH = 16;
    /** Vectors of this machine that hold the 16 logical lanes: 1, 2 or 4. */
    public static final int PARTS = WIDTH / KernelSpecies.LANES;
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

    /** The end of a loop's vector part over n elements: whole chunks of 16, whatever the machine. */
    public static int loopBound(int n) {
        return n & -WIDTH;
    }

    /**
     * The butterfly sum of the 16 logical lanes held in {@code a0} (and {@code a1}, or
     * {@code a1..a3}, where {@link #PARTS} says so; the others are ignored). Where the lanes span
     * several vectors, the butterfly's first steps are plain adds of those vectors.
     */
    public static float sum(FloatVector a0, FloatVector a1, FloatVector a2, FloatVector a3) {
        FloatVector v = PARTS == 1 ? a0 : PARTS == 2 ? a0.add(a1) : a0.add(a2).add(a1.add(a3));
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

    /**
     * The butterfly sum of the 16 logical lanes stored at {@code a[off .. off+16)} (parts one after
     * another), in scalar adds: the same bits as {@link #sum(FloatVector, FloatVector, FloatVector, FloatVector)}.
     */
    public static float sum(float[] a, int off) {
        float f0 = a[off] + a[off + 8];
        float f1 = a[off + 1] + a[off + 9];
        float f2 = a[off + 2] + a[off + 10];
        float f3 = a[off + 3] + a[off + 11];
        float f4 = a[off + 4] + a[off + 12];
        float f5 = a[off + 5] + a[off + 13];
        float f6 = a[off + 6] + a[off + 14];
        float f7 = a[off + 7] + a[off + 15];
        float g0 = f0 + f4;
        float g1 = f1 + f5;
        float g2 = f2 + f6;
        float g3 = f3 + f7;
        return (g0 + g2) + (g1 + g3);
    }

    /** The sums of the four 16-lane accumulators stored in {@code sums} to {@code out[r + i * gap]}. */
    public static void spread(float[] sums, float[] out, int r, int gap) {
        for (int i = 0; i < 4; i++) {
            out[r + i * gap] = sum(sums, i * WIDTH);
        }
    }
}
