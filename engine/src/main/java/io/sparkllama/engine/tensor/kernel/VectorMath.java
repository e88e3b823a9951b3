package io.sparkllama.engine.tensor.kernel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Vectorized element-wise and reduction kernels on heap float arrays (activations) and off-heap KV cache blocks. */
public final class VectorMath {
    private static final VectorSpecies<Float> S = KernelSpecies.FLOAT;
    private static final int L = KernelSpecies.LANES;
    private static final int PARTS = LaneSum.PARTS;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    /** Positions per key tile of {@link #dotTiles}: the preferred vector's lane count. */
    public static final int LANES = L;

    private VectorMath() {
    }

    /** Dot product of {@code a[aOff..aOff+n)} and {@code b[bOff..bOff+n)}, in {@link LaneSum}'s order. */
    public static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        int bound = LaneSum.loopBound(n);
        float sum = 0f;
        if (bound > 0) {
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            for (int i = 0; i < bound; i += LaneSum.WIDTH) {
                a0 = FloatVector.fromArray(S, a, aOff + i).fma(FloatVector.fromArray(S, b, bOff + i), a0);
                if (PARTS > 1) {
                    a1 = FloatVector.fromArray(S, a, aOff + i + L).fma(FloatVector.fromArray(S, b, bOff + i + L), a1);
                }
                if (PARTS > 2) {
                    a2 = FloatVector.fromArray(S, a, aOff + i + 2 * L).fma(FloatVector.fromArray(S, b, bOff + i + 2 * L), a2);
                    a3 = FloatVector.fromArray(S, a, aOff + i + 3 * L).fma(FloatVector.fromArray(S, b, bOff + i + 3 * L), a3);
                }
            }
            sum = LaneSum.sum(a0, a1, a2, a3);
        }
        // Heads under 16 wide (stories260K: 8) take only this loop: 0 + the scalar sum.
        for (int i = bound; i < n; i++) {
            sum += a[aOff + i] * b[bOff + i];
        }
        return sum;
    }

    /**
     * Attention scores: dot products of {@code q[qOff .. qOff+n)} with the keys of positions
     * {@code 0 .. count) in an off-heap block, each divided by {@code divisor}, into
     * {@code out[outOff + p]}. Keys lie in tiles of {@link #LANES} positions (element d of position p
     * at float {@code (p / LANES) * tileStride + d * LANES + p % LANES} after byte {@code kOff}), so a
     * tile's loads are contiguous and lanes are positions: each score is one FMA chain over d in
     * order, whichever block computes it, and needs no lane sum.
     */
    public static void dotTiles(float[] q, int qOff, MemorySegment keys, long kOff, int tileStride, int n, int count,
                                float divisor, float[] out, int outOff) {
        long ts = (long) tileStride * Float.BYTES;
        long lb = (long) L * Float.BYTES;
        int p = 0;
        for (; p + 4 * L <= count; p += 4 * L) {
            long t0 = kOff + (p / L) * ts;
            long t1 = t0 + ts;
            long t2 = t1 + ts;
            long t3 = t2 + ts;
            FloatVector a = FloatVector.zero(S), b = a, c = a, e = a;
            for (int d = 0; d < n; d++) {
                FloatVector qd = FloatVector.broadcast(S, q[qOff + d]);
                long o = d * lb;
                a = qd.fma(FloatVector.fromMemorySegment(S, keys, t0 + o, NATIVE), a);
                b = qd.fma(FloatVector.fromMemorySegment(S, keys, t1 + o, NATIVE), b);
                c = qd.fma(FloatVector.fromMemorySegment(S, keys, t2 + o, NATIVE), c);
                e = qd.fma(FloatVector.fromMemorySegment(S, keys, t3 + o, NATIVE), e);
            }
            a.div(divisor).intoArray(out, outOff + p);
            b.div(divisor).intoArray(out, outOff + p + L);
            c.div(divisor).intoArray(out, outOff + p + 2 * L);
            e.div(divisor).intoArray(out, outOff + p + 3 * L);
        }
        for (; p + 2 * L <= count; p += 2 * L) {
            long t0 = kOff + (p / L) * ts;
            long t1 = t0 + ts;
            FloatVector a = FloatVector.zero(S), b = a;
            for (int d = 0; d < n; d++) {
                FloatVector qd = FloatVector.broadcast(S, q[qOff + d]);
                long o = d * lb;
                a = qd.fma(FloatVector.fromMemorySegment(S, keys, t0 + o, NATIVE), a);
                b = qd.fma(FloatVector.fromMemorySegment(S, keys, t1 + o, NATIVE), b);
            }
            a.div(divisor).intoArray(out, outOff + p);
            b.div(divisor).intoArray(out, outOff + p + L);
        }
        for (; p < count; p += L) {
            // Lanes past count hold stale keys of the tile: computed, never stored.
            long t0 = kOff + (p / L) * ts;
            FloatVector a = FloatVector.zero(S);
            for (int d = 0; d < n; d++) {
                a = FloatVector.broadcast(S, q[qOff + d]).fma(FloatVector.fromMemorySegment(S, keys, t0 + d * lb, NATIVE), a);
            }
            a.div(divisor).intoArray(out, outOff + p, S.indexInRange(p, count));
        }
    }

    /** {@code out[oOff..] = weight * x[xOff..] / rms(x[xOff..xOff+n))}. */
    public static void rmsNorm(float[] out, int oOff, float[] x, int xOff, float[] weight, int n, float eps) {
        float ss = dot(x, xOff, x, xOff, n);
        float scale = (float) (1.0 / Math.sqrt(ss / n + eps));
        int i = 0;
        int bound = S.loopBound(n);
        for (; i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xOff + i).mul(scale);
            v.mul(FloatVector.fromArray(S, weight, i)).intoArray(out, oOff + i);
        }
        for (; i < n; i++) {
            out[oOff + i] = weight[i] * (scale * x[xOff + i]);
        }
    }

    /** In-place softmax of {@code x[off..off+n)}. */
    public static void softmax(float[] x, int off, int n) {
        float max = x[off];
        for (int i = 1; i < n; i++) {
            max = Math.max(max, x[off + i]);
        }
        float inv = 1f / VectorExp.expInPlace(x, off, n, max);
        int i = 0;
        int bound = S.loopBound(n);
        for (; i < bound; i += L) {
            FloatVector.fromArray(S, x, off + i).mul(inv).intoArray(x, off + i);
        }
        for (; i < n; i++) {
            x[off + i] *= inv;
        }
    }

    /**
     * Attention output: {@code out[oOff + i] = Σ_p w[wOff + p] * row_p[i]} over p in [0, count), i in
     * [0, n), the rows in off-heap blocks of {@code blockRows} rows each: row p at byte
     * {@code rowOff + (p % blockRows) * rowStride * 4} of {@code blocks[p / blockRows]}. The sums stay
     * in registers across positions and blocks; each element is one chain over p in order: FMA for
     * the elements in whole chunks of 16 (vector lanes on every machine), multiply-add for the rest,
     * so the vector width does not change a bit.
     */
    public static void weightedRowSum(float[] out, int oOff, float[] w, int wOff, int count,
                                      MemorySegment[] blocks, int blockRows, long rowOff, int rowStride, int n) {
        long rs = (long) rowStride * Float.BYTES;
        long lb = (long) L * Float.BYTES;
        int i = 0;
        int bound = LaneSum.loopBound(n);
        for (; i + 4 * L <= bound; i += 4 * L) {
            FloatVector a = FloatVector.zero(S), b = a, c = a, e = a;
            for (int p0 = 0, blk = 0; p0 < count; p0 += blockRows, blk++) {
                MemorySegment rows = blocks[blk];
                int m = Math.min(blockRows, count - p0);
                long r = rowOff + (long) i * Float.BYTES;
                for (int p = 0; p < m; p++, r += rs) {
                    FloatVector wp = FloatVector.broadcast(S, w[wOff + p0 + p]);
                    a = FloatVector.fromMemorySegment(S, rows, r, NATIVE).fma(wp, a);
                    b = FloatVector.fromMemorySegment(S, rows, r + lb, NATIVE).fma(wp, b);
                    c = FloatVector.fromMemorySegment(S, rows, r + 2 * lb, NATIVE).fma(wp, c);
                    e = FloatVector.fromMemorySegment(S, rows, r + 3 * lb, NATIVE).fma(wp, e);
                }
            }
            a.intoArray(out, oOff + i);
            b.intoArray(out, oOff + i + L);
            c.intoArray(out, oOff + i + 2 * L);
            e.intoArray(out, oOff + i + 3 * L);
        }
        for (; i + 2 * L <= bound; i += 2 * L) {
            FloatVector a = FloatVector.zero(S), b = a;
            for (int p0 = 0, blk = 0; p0 < count; p0 += blockRows, blk++) {
                MemorySegment rows = blocks[blk];
                int m = Math.min(blockRows, count - p0);
                long r = rowOff + (long) i * Float.BYTES;
                for (int p = 0; p < m; p++, r += rs) {
                    FloatVector wp = FloatVector.broadcast(S, w[wOff + p0 + p]);
                    a = FloatVector.fromMemorySegment(S, rows, r, NATIVE).fma(wp, a);
                    b = FloatVector.fromMemorySegment(S, rows, r + lb, NATIVE).fma(wp, b);
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
                long r = rowOff + (long) i * Float.BYTES;
                for (int p = 0; p < m; p++, r += rs) {
                    a = FloatVector.fromMemorySegment(S, rows, r, NATIVE).fma(FloatVector.broadcast(S, w[wOff + p0 + p]), a);
                }
            }
            a.intoArray(out, oOff + i);
        }
        for (; i < n; i++) {
            float sum = 0f;
            for (int p0 = 0, blk = 0; p0 < count; p0 += blockRows, blk++) {
                MemorySegment rows = blocks[blk];
                int m = Math.min(blockRows, count - p0);
                long r = rowOff + (long) i * Float.BYTES;
                for (int p = 0; p < m; p++, r += rs) {
                    sum += w[wOff + p0 + p] * rows.get(ValueLayout.JAVA_FLOAT, r);
                }
            }
            out[oOff + i] = sum;
        }
    }

    /** {@code y[i] += x[i]} for i in [0, n). */
    public static void add(float[] y, float[] x, int n) {
        int i = 0;
        int bound = S.loopBound(n);
        for (; i < bound; i += L) {
            FloatVector.fromArray(S, y, i).add(FloatVector.fromArray(S, x, i)).intoArray(y, i);
        }
        for (; i < n; i++) {
            y[i] += x[i];
        }
    }
}
