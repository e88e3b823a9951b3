package io.sparkllama.engine.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
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
    private static final VectorMask<Float> BIT8 = bit(8);
    private static final VectorMask<Float> BIT4 = bit(4);
    private static final VectorMask<Float> BIT2 = bit(2);
    private static final VectorMask<Float> BIT1 = bit(1);
    /** Where {@link #sumEach} wants the accumulator of output lane j: at {@code SLOT[j] * L}. */
    static final int[] SLOT = slots();

    private LaneSum() {
    }

    /** Lane i takes lane i ^ k (the identity where k is not below the lane count). */
    private static VectorShuffle<Float> swap(int k) {
        return VectorShuffle.fromOp(S, i -> k < L ? i ^ k : i);
    }

    /** The lanes whose index has bit k set. */
    private static VectorMask<Float> bit(int k) {
        boolean[] set = new boolean[L];
        for (int i = 0; i < L; i++) {
            set[i] = (i & k) != 0;
        }
        return VectorMask.fromArray(S, set, 0);
    }

    /** Accumulator j is folded into lane bitReverse(j): see {@link #sumEach}. */
    private static int[] slots() {
        int bits = Integer.numberOfTrailingZeros(L);
        int[] slot = new int[L];
        for (int j = 0; j < L; j++) {
            slot[j] = Integer.reverse(j) >>> (32 - bits);
        }
        return slot;
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

    /**
     * Sums {@code n} vector accumulators stored in {@code sums} from the {@code first}-th on into
     * {@code out[outOff ..]}. Big unrolled kernels store their accumulators rather than summing
     * them in place, which keeps them small enough for the JIT to inline everything they call.
     */
    static void store(float[] sums, int first, int n, float[] out, int outOff) {
        for (int k = 0; k < n; k++) {
            out[outOff + k] = sum(sums, (first + k) * L);
        }
    }

    /**
     * The sums of L accumulators at once, bit-identical to {@link #sum(FloatVector)} of each:
     * {@code out[j]} is the sum of the vector at {@code acc[SLOT[j] * L ..]}. Each butterfly step
     * merges two vectors into one, the first's step on the lanes with that bit clear and the
     * second's on the lanes with it set (a + b = b + a exactly, and later steps never mix the two
     * halves), so L sums cost L - 1 adds instead of L log L.
     */
    static void sumEach(float[] acc, float[] out) {
        if (L == 16) {
            sumEach16(acc, out);
        } else if (L == 8) {
            sumEach8(acc, out);
        } else {
            for (int j = 0; j < L; j++) {
                out[j] = sum(acc, SLOT[j] * L);
            }
        }
    }

    private static void sumEach16(float[] acc, float[] out) {
        FloatVector v0 = FloatVector.fromArray(S, acc, 0), v1 = FloatVector.fromArray(S, acc, 16);
        FloatVector v2 = FloatVector.fromArray(S, acc, 32), v3 = FloatVector.fromArray(S, acc, 48);
        FloatVector v4 = FloatVector.fromArray(S, acc, 64), v5 = FloatVector.fromArray(S, acc, 80);
        FloatVector v6 = FloatVector.fromArray(S, acc, 96), v7 = FloatVector.fromArray(S, acc, 112);
        FloatVector v8 = FloatVector.fromArray(S, acc, 128), v9 = FloatVector.fromArray(S, acc, 144);
        FloatVector v10 = FloatVector.fromArray(S, acc, 160), v11 = FloatVector.fromArray(S, acc, 176);
        FloatVector v12 = FloatVector.fromArray(S, acc, 192), v13 = FloatVector.fromArray(S, acc, 208);
        FloatVector v14 = FloatVector.fromArray(S, acc, 224), v15 = FloatVector.fromArray(S, acc, 240);
        FloatVector a0 = v0.blend(v1, BIT8).add(v1.blend(v0, BIT8).rearrange(SWAP8));
        FloatVector a1 = v2.blend(v3, BIT8).add(v3.blend(v2, BIT8).rearrange(SWAP8));
        FloatVector a2 = v4.blend(v5, BIT8).add(v5.blend(v4, BIT8).rearrange(SWAP8));
        FloatVector a3 = v6.blend(v7, BIT8).add(v7.blend(v6, BIT8).rearrange(SWAP8));
        FloatVector a4 = v8.blend(v9, BIT8).add(v9.blend(v8, BIT8).rearrange(SWAP8));
        FloatVector a5 = v10.blend(v11, BIT8).add(v11.blend(v10, BIT8).rearrange(SWAP8));
        FloatVector a6 = v12.blend(v13, BIT8).add(v13.blend(v12, BIT8).rearrange(SWAP8));
        FloatVector a7 = v14.blend(v15, BIT8).add(v15.blend(v14, BIT8).rearrange(SWAP8));
        FloatVector b0 = a0.blend(a1, BIT4).add(a1.blend(a0, BIT4).rearrange(SWAP4));
        FloatVector b1 = a2.blend(a3, BIT4).add(a3.blend(a2, BIT4).rearrange(SWAP4));
        FloatVector b2 = a4.blend(a5, BIT4).add(a5.blend(a4, BIT4).rearrange(SWAP4));
        FloatVector b3 = a6.blend(a7, BIT4).add(a7.blend(a6, BIT4).rearrange(SWAP4));
        FloatVector c0 = b0.blend(b1, BIT2).add(b1.blend(b0, BIT2).rearrange(SWAP2));
        FloatVector c1 = b2.blend(b3, BIT2).add(b3.blend(b2, BIT2).rearrange(SWAP2));
        c0.blend(c1, BIT1).add(c1.blend(c0, BIT1).rearrange(SWAP1)).intoArray(out, 0);
    }

    private static void sumEach8(float[] acc, float[] out) {
        FloatVector v0 = FloatVector.fromArray(S, acc, 0), v1 = FloatVector.fromArray(S, acc, 8);
        FloatVector v2 = FloatVector.fromArray(S, acc, 16), v3 = FloatVector.fromArray(S, acc, 24);
        FloatVector v4 = FloatVector.fromArray(S, acc, 32), v5 = FloatVector.fromArray(S, acc, 40);
        FloatVector v6 = FloatVector.fromArray(S, acc, 48), v7 = FloatVector.fromArray(S, acc, 56);
        FloatVector a0 = v0.blend(v1, BIT4).add(v1.blend(v0, BIT4).rearrange(SWAP4));
        FloatVector a1 = v2.blend(v3, BIT4).add(v3.blend(v2, BIT4).rearrange(SWAP4));
        FloatVector a2 = v4.blend(v5, BIT4).add(v5.blend(v4, BIT4).rearrange(SWAP4));
        FloatVector a3 = v6.blend(v7, BIT4).add(v7.blend(v6, BIT4).rearrange(SWAP4));
        FloatVector b0 = a0.blend(a1, BIT2).add(a1.blend(a0, BIT2).rearrange(SWAP2));
        FloatVector b1 = a2.blend(a3, BIT2).add(a3.blend(a2, BIT2).rearrange(SWAP2));
        b0.blend(b1, BIT1).add(b1.blend(b0, BIT1).rearrange(SWAP1)).intoArray(out, 0);
    }
}
