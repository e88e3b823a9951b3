package io.sparkllama.engine.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * exp(x) for float lanes from adds, multiplies and FMAs only (range reduction by ln 2 and a
 * degree-6 polynomial, about 2 ulp), so it gives the same bits interpreted or compiled; the
 * Vector API's own EXP calls a different library once compiled. Offered as whole loops (sum of
 * exponentials, softmax numerator, SwiGLU), so vectors never cross a public call: a vector
 * argument to a call C2 does not inline is boxed.
 */
public final class VectorExp {
    private static final VectorSpecies<Float> S = KernelSpecies.FLOAT;
    private static final int L = KernelSpecies.LANES;
    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;

    private VectorExp() {
    }

    /**
     * Σ exp(x[i] - shift) over {@code x[off .. off+n)}: per-lane float partial sums, reduced in
     * double in lane order, then the scalar tail.
     */
    public static double sumExp(float[] x, int off, int n, float shift) {
        int i = 0;
        int bound = S.loopBound(n);
        FloatVector acc = FloatVector.zero(S);
        for (; i < bound; i += L) {
            acc = acc.add(exp(FloatVector.fromArray(S, x, off + i).sub(shift)));
        }
        double sum = 0;
        for (int lane = 0; lane < L; lane++) {
            sum += acc.lane(lane);
        }
        for (; i < n; i++) {
            sum += Math.exp(x[off + i] - shift);
        }
        return sum;
    }

    /**
     * {@code out[i] = exp((x[off + i] - shift) * scale)} for i in [0, n) (sampling at a
     * temperature); returns their sum, per-lane float partial sums reduced in double in lane
     * order, then the tail.
     */
    public static double expScaled(float[] x, int off, int n, float shift, float scale, float[] out) {
        int i = 0;
        int bound = S.loopBound(n);
        FloatVector acc = FloatVector.zero(S);
        for (; i < bound; i += L) {
            FloatVector e = exp(FloatVector.fromArray(S, x, off + i).sub(shift).mul(scale));
            e.intoArray(out, i);
            acc = acc.add(e);
        }
        double sum = 0;
        for (int lane = 0; lane < L; lane++) {
            sum += acc.lane(lane);
        }
        for (; i < n; i++) {
            float e = (float) Math.exp((x[off + i] - shift) * scale);
            out[i] = e;
            sum += e;
        }
        return sum;
    }

    /** {@code x[i] = exp(x[i] - shift)} over {@code x[off .. off+n)}; returns their sum (lane sums, then the tail in order). */
    public static float expInPlace(float[] x, int off, int n, float shift) {
        int i = 0;
        int bound = S.loopBound(n);
        FloatVector acc = FloatVector.zero(S);
        for (; i < bound; i += L) {
            FloatVector e = exp(FloatVector.fromArray(S, x, off + i).sub(shift));
            e.intoArray(x, off + i);
            acc = acc.add(e);
        }
        float sum = bound > 0 ? LaneSum.sum(acc) : 0f;
        for (; i < n; i++) {
            float e = (float) Math.exp(x[off + i] - shift);
            x[off + i] = e;
            sum += e;
        }
        return sum;
    }

    /**
     * SwiGLU gate in place, {@code h[i] = silu(h[i]) * g[i]} for i in [off, off+n). Call it once
     * per token: which elements take the vector path depends on n.
     */
    public static void swiglu(float[] h, float[] g, int off, int n) {
        int i = 0;
        int bound = S.loopBound(n);
        for (; i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, h, off + i);
            v.div(exp(v.neg()).add(1f)).mul(FloatVector.fromArray(S, g, off + i)).intoArray(h, off + i);
        }
        for (; i < n; i++) {
            float v = h[off + i];
            h[off + i] = v / (1f + (float) Math.exp(-v)) * g[off + i];
        }
    }

    /** exp of every lane; lanes are clamped to [-87.3, 88.3], the range of normal float results. */
    private static FloatVector exp(FloatVector x) {
        x = x.max(-87.3f).min(88.3f);
        FloatVector y = x.mul(LOG2E).add(0.5f);
        FloatVector n = ((IntVector) y.convert(VectorOperators.F2I, 0)).convert(VectorOperators.I2F, 0).reinterpretAsFloats();
        n = n.lanewise(VectorOperators.SUB, 1f, n.compare(VectorOperators.GT, y)); // truncation to floor
        FloatVector r = n.fma(n.broadcast(-LN2_HI), x);
        r = n.fma(n.broadcast(-LN2_LO), r);
        FloatVector p = r.broadcast(1.9875691500e-4f);
        p = p.fma(r, r.broadcast(1.3981999507e-3f));
        p = p.fma(r, r.broadcast(8.3334519073e-3f));
        p = p.fma(r, r.broadcast(4.1665795894e-2f));
        p = p.fma(r, r.broadcast(1.6666665459e-1f));
        p = p.fma(r, r.broadcast(5.0000001201e-1f));
        p = p.fma(r.mul(r), r).add(1f);
        IntVector bits = ((IntVector) n.convert(VectorOperators.F2I, 0)).add(127).lanewise(VectorOperators.LSHL, 23);
        return p.mul(bits.reinterpretAsFloats());
    }
}
