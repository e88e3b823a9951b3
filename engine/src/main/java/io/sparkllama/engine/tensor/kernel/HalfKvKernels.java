package io.sparkllama.engine.tensor.kernel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The attention kernels of {@link VectorMath} over KV cache blocks of 16-bit elements (IEEE half
 * or bfloat16, {@code bf16} says which), widened exactly to fp32 as they are loaded. Same layouts
 * (element offsets, 2 bytes each), same FMA chains in the same order, so the results are those of
 * the fp32 kernels on the widened values, bit for bit at every vector width. A twin of the fp32
 * kernels on purpose: one kernel for every type would put a type branch in fp32's inner loops, the
 * default path. Two vectors in flight instead of four: the widening needs the registers.
 */
public final class HalfKvKernels {
    private static final VectorSpecies<Float> S = KernelSpecies.FLOAT;
    private static final VectorSpecies<Short> H = KernelSpecies.SHORT;
    private static final VectorSpecies<Integer> I = KernelSpecies.INT;
    private static final int L = KernelSpecies.LANES;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;
    /** 2^112 rescales a half's exponent (bias 15) shifted into a float's (bias 127). */
    private static final float REBIAS = 0x1p112f;

    private HalfKvKernels() {
    }

    /** L 16-bit elements at byte {@code off}, widened to floats. */
    private static FloatVector load(MemorySegment m, long off, boolean bf16) {
        IntVector h = (IntVector) ShortVector.fromMemorySegment(H, m, off, NATIVE).convertShape(VectorOperators.S2I, I, 0);
        if (bf16) {
            return h.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
        }
        IntVector magnitude = h.and(0x7FFF).lanewise(VectorOperators.LSHL, 13);
        IntVector sign = h.and(0x8000).lanewise(VectorOperators.LSHL, 16);
        // Multiplying by 2^112 fixes the exponent of normals and subnormals alike; infinities and NaNs take the float's all-ones exponent.
        IntVector bits = magnitude.reinterpretAsFloats().mul(REBIAS).reinterpretAsInts();
        VectorMask<Integer> special = h.and(0x7C00).compare(VectorOperators.EQ, 0x7C00);
        return bits.blend(magnitude.or(0x7F800000), special).or(sign).reinterpretAsFloats();
    }

    /** One 16-bit element at byte {@code off}, widened. */
    public static float at(MemorySegment m, long off, boolean bf16) {
        short h = m.get(SHORT, off);
        return bf16 ? Float.intBitsToFloat(h << 16) : Float.float16ToFloat(h);
    }

    /**
     * {@link VectorMath#dotTiles} over 16-bit keys: {@code kOff} in bytes, {@code tileStride} in
     * elements; each score is one FMA chain over d in order.
     */
    public static void dotTiles(float[] q, int qOff, MemorySegment keys, long kOff, int tileStride, int n, int count,
                                float divisor, float[] out, int outOff, boolean bf16) {
        long ts = (long) tileStride * Short.BYTES;
        long lb = (long) L * Short.BYTES;
        int p = 0;
        for (; p + 2 * L <= count; p += 2 * L) {
            long t0 = kOff + (p / L) * ts;
            long t1 = t0 + ts;
            FloatVector a = FloatVector.zero(S), b = a;
            for (int d = 0; d < n; d++) {
                FloatVector qd = FloatVector.broadcast(S, q[qOff + d]);
                long o = d * lb;
                a = qd.fma(load(keys, t0 + o, bf16), a);
                b = qd.fma(load(keys, t1 + o, bf16), b);
            }
            a.div(divisor).intoArray(out, outOff + p);
            b.div(divisor).intoArray(out, outOff + p + L);
        }
        for (; p < count; p += L) {
            // Lanes past count hold stale keys of the tile: computed, never stored.
            long t0 = kOff + (p / L) * ts;
            FloatVector a = FloatVector.zero(S);
            for (int d = 0; d < n; d++) {
                a = FloatVector.broadcast(S, q[qOff + d]).fma(load(keys, t0 + d * lb, bf16), a);
            }
            a.div(divisor).intoArray(out, outOff + p, S.indexInRange(p, count));
        }
    }

    /**
     * {@link VectorMath#weightedRowSum} over 16-bit rows: {@code rowOff} in bytes, {@code rowStride}
     * in elements; FMA for the elements in whole chunks of 16, multiply-add for the rest.
     */
    public static void weightedRowSum(float[] out, int oOff, float[] w, int wOff, int count,
                                      MemorySegment[] blocks, int blockRows, long rowOff, int rowStride, int n, boolean bf16) {
        long rs = (long) rowStride * Short.BYTES;
        long lb = (long) L * Short.BYTES;
        int i = 0;
        int bound = LaneSum.loopBound(n);
        for (; i + 2 * L <= bound; i += 2 * L) {
            FloatVector a = FloatVector.zero(S), b = a;
            for (int p0 = 0, blk = 0; p0 < count; p0 += blockRows, blk++) {
                MemorySegment rows = blocks[blk];
                int m = Math.min(blockRows, count - p0);
                long r = rowOff + (long) i * Short.BYTES;
                for (int p = 0; p < m; p++, r += rs) {
                    FloatVector wp = FloatVector.broadcast(S, w[wOff + p0 + p]);
                    a = load(rows, r, bf16).fma(wp, a);
                    b = load(rows, r + lb, bf16).fma(wp, b);
                }
            }
            a.intoArray(out, oOff + i);
            b.intoArray(out, oOff + i + L);
        }
        for (; i < bound; i += L) {
            FloatVector a = FloatVector.zero(S);
            for (int p0 = 0, blk = 0; p0 < count; p0 += blockRows, blk++) {
                MemorySegment rows = blocks[blk];
                int m = Math.min(blockRows, count - p0);
                long r = rowOff + (long) i * Short.BYTES;
                for (int p = 0; p < m; p++, r += rs) {
                    a = load(rows, r, bf16).fma(FloatVector.broadcast(S, w[wOff + p0 + p]), a);
                }
            }
            a.intoArray(out, oOff + i);
        }
        for (; i < n; i++) {
            float sum = 0f;
            for (int p0 = 0, blk = 0; p0 < count; p0 += blockRows, blk++) {
                MemorySegment rows = blocks[blk];
                int m = Math.min(blockRows, count - p0);
                long r = rowOff + (long) i * Short.BYTES;
                for (int p = 0; p < m; p++, r += rs) {
                    sum += w[wOff + p0 + p] * at(rows, r, bf16);
                }
            }
            out[oOff + i] = sum;
        }
    }
}
