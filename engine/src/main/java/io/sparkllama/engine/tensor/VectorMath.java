package io.sparkllama.engine.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Vectorized element-wise and reduction kernels on heap float arrays (activations, KV cache). */
public final class VectorMath {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private VectorMath() {
    }

    /** Dot product of {@code a[aOff..aOff+n)} and {@code b[bOff..bOff+n)}. */
    public static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        if (n < L) {
            // Tiny heads (stories260K: 8): the vector path would only reduce a zero vector.
            // Same bits as that path: 0 + the scalar sum.
            float sum = 0f;
            for (int i = 0; i < n; i++) {
                sum += a[aOff + i] * b[bOff + i];
            }
            return sum;
        }
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        int bound = S.loopBound(n);
        for (; i < bound; i += L) {
            acc = FloatVector.fromArray(S, a, aOff + i).fma(FloatVector.fromArray(S, b, bOff + i), acc);
        }
        float sum = LaneSum.sum(acc);
        for (; i < n; i++) {
            sum += a[aOff + i] * b[bOff + i];
        }
        return sum;
    }

    /**
     * Dot products of {@code q[qOff .. qOff+n)} with {@code count} columns of a column-major
     * matrix (element d of column p at {@code m[mOff + d * stride + p]}), each divided by
     * {@code divisor}, into {@code out[outOff + p]}. Lanes are columns, so each result is one FMA
     * chain over d in order, whichever block computes it: attention scores
     * against transposed keys need no lane sums.
     */
    public static void dotColumns(float[] q, int qOff, float[] m, int mOff, int stride, int n, int count,
                                  float divisor, float[] out, int outOff) {
        int p = 0;
        for (; p + 4 * L <= count; p += 4 * L) {
            FloatVector a = FloatVector.zero(S), b = a, c = a, e = a;
            for (int d = 0; d < n; d++) {
                FloatVector qd = FloatVector.broadcast(S, q[qOff + d]);
                int col = mOff + d * stride + p;
                a = qd.fma(FloatVector.fromArray(S, m, col), a);
                b = qd.fma(FloatVector.fromArray(S, m, col + L), b);
                c = qd.fma(FloatVector.fromArray(S, m, col + 2 * L), c);
                e = qd.fma(FloatVector.fromArray(S, m, col + 3 * L), e);
            }
            a.div(divisor).intoArray(out, outOff + p);
            b.div(divisor).intoArray(out, outOff + p + L);
            c.div(divisor).intoArray(out, outOff + p + 2 * L);
            e.div(divisor).intoArray(out, outOff + p + 3 * L);
        }
        for (; p < count; p += L) {
            // The last block masked: a lane's chain is the same whichever block it falls in.
            VectorMask<Float> live = S.indexInRange(p, count);
            FloatVector a = FloatVector.zero(S);
            for (int d = 0; d < n; d++) {
                a = FloatVector.broadcast(S, q[qOff + d]).fma(FloatVector.fromArray(S, m, mOff + d * stride + p, live), a);
            }
            a.div(divisor).intoArray(out, outOff + p, live);
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

    /** {@code y[yOff..] += a * x[xOff..]} over n elements. */
    public static void axpy(float[] y, int yOff, float a, float[] x, int xOff, int n) {
        if (n < L) {
            for (int i = 0; i < n; i++) {
                y[yOff + i] += a * x[xOff + i];
            }
            return;
        }
        int i = 0;
        int bound = S.loopBound(n);
        FloatVector av = FloatVector.broadcast(S, a);
        for (; i < bound; i += L) {
            FloatVector.fromArray(S, x, xOff + i).fma(av, FloatVector.fromArray(S, y, yOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] += a * x[xOff + i];
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
