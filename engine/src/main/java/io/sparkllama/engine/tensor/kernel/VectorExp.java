package io.sparkllama.engine.tensor.kernel;

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
    private static final int PARTS = LaneSum.PARTS;
    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;

    private VectorExp() {
    }

    /**
     * Σ exp(x[i] - shift) over {@code x[off .. off+n)}: float partial sums in {@link LaneSum}'s 16
     * lanes, reduced in double in lane order, then the scalar tail.
     */
    public static double sumExp(float[] x, int off, int n, float shift) {
        int bound = LaneSum.loopBound(n);
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        for (int i = 0; i < bound; i += LaneSum.WIDTH) {
            a0 = a0.add(exp(FloatVector.fromArray(S, x, off + i).sub(shift)));
            if (PARTS > 1) {
                a1 = a1.add(exp(FloatVector.fromArray(S, x, off + i + L).sub(shift)));
            }
            if (PARTS > 2) {
                a2 = a2.add(exp(FloatVector.fromArray(S, x, off + i + 2 * L).sub(shift)));
                a3 = a3.add(exp(FloatVector.fromArray(S, x, off + i + 3 * L).sub(shift)));
            }
        }
        double sum = laneOrderSum(a0, a1, a2, a3);
        for (int i = bound; i < n; i++) {
            sum += Math.exp(x[off + i] - shift);
        }
        return sum;
    }

    /**
     * {@code out[i] = exp((x[off + i] - shift) * scale)} for i in [0, n) (sampling at a
     * temperature); returns their sum: float partial sums in {@link LaneSum}'s 16 lanes, reduced
     * in double in lane order, then the tail.
     */
    public static double expScaled(float[] x, int off, int n, float shift, float scale, float[] out) {
        int bound = LaneSum.loopBound(n);
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        for (int i = 0; i < bound; i += LaneSum.WIDTH) {
            FloatVector e = exp(FloatVector.fromArray(S, x, off + i).sub(shift).mul(scale));
            e.intoArray(out, i);
            a0 = a0.add(e);
            if (PARTS > 1) {
                e = exp(FloatVector.fromArray(S, x, off + i + L).sub(shift).mul(scale));
                e.intoArray(out, i + L);
                a1 = a1.add(e);
            }
            if (PARTS > 2) {
                e = exp(FloatVector.fromArray(S, x, off + i + 2 * L).sub(shift).mul(scale));
                e.intoArray(out, i + 2 * L);
                a2 = a2.add(e);
                e = exp(FloatVector.fromArray(S, x, off + i + 3 * L).sub(shift).mul(scale));
                e.intoArray(out, i + 3 * L);
                a3 = a3.add(e);
            }
        }
        double sum = laneOrderSum(a0, a1, a2, a3);
        for (int i = bound; i < n; i++) {
            float e = (float) Math.exp((x[off + i] - shift) * scale);
            out[i] = e;
            sum += e;
        }
        return sum;
    }

    /** The 16 logical lanes of a0..a3 (as {@link LaneSum#PARTS} says) added in double, lane 0 first. */
    private static double laneOrderSum(FloatVector a0, FloatVector a1, FloatVector a2, FloatVector a3) {
        double sum = 0;
        for (int lane = 0; lane < L; lane++) {
            sum += a0.lane(lane);
        }
        if (PARTS > 1) {
            for (int lane = 0; lane < L; lane++) {
                sum += a1.lane(lane);
            }
        }
        if (PARTS > 2) {
            for (int lane = 0; lane < L; lane++) {
                sum += a2.lane(lane);
            }
            for (int lane = 0; lane < L; lane++) {
                sum += a3.lane(lane);
            }
        }
        return sum;
    }

    /** {@code x[i] = exp(x[i] - shift)} over {@code x[off .. off+n)}; returns their sum in {@link LaneSum}'s order. */
    public static float expInPlace(float[] x, int off, int n, float shift) {
        int bound = LaneSum.loopBound(n);
        float sum = 0f;
        if (bound > 0) {
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            for (int i = 0; i < bound; i += LaneSum.WIDTH) {
                FloatVector e = exp(FloatVector.fromArray(S, x, off + i).sub(shift));
                e.intoArray(x, off + i);
                a0 = a0.add(e);
                if (PARTS > 1) {
                    e = exp(FloatVector.fromArray(S, x, off + i + L).sub(shift));
                    e.intoArray(x, off + i + L);
                    a1 = a1.add(e);
                }
                if (PARTS > 2) {
                    e = exp(FloatVector.fromArray(S, x, off + i + 2 * L).sub(shift));
                    e.intoArray(x, off + i + 2 * L);
                    a2 = a2.add(e);
                    e = exp(FloatVector.fromArray(S, x, off + i + 3 * L).sub(shift));
                    e.intoArray(x, off + i + 3 * L);
                    a3 = a3.add(e);
                }
            }
            sum = LaneSum.sum(a0, a1, a2, a3);
        }
        for (int i = bound; i < n; i++) {
            float e = (float) Math.exp(x[off + i] - shift);
            x[off + i] = e;
            sum += e;
        }
        return sum;
    }

    /**
     * SwiGLU gate in place, {@code h[i] = silu(h[i]) * g[i]} for i in [off, off+n). Call it once
     * per token: which elements take the vector path (whole chunks of 16 on every machine, since
     * its exp and {@code Math.exp} differ) depends on n.
     */
    public static void swiglu(float[] h, float[] g, int off, int n) {
        int i = 0;
        int bound = LaneSum.loopBound(n);
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
