package io.sparkllama.engine.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * exp(x) for float lanes from adds, multiplies and FMAs only (range reduction by ln 2 and a
 * degree-6 polynomial, about 2 ulp), so it gives the same bits interpreted or compiled; the
 * Vector API's own EXP calls a different library once compiled.
 */
public final class VectorExp {
    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;

    private VectorExp() {
    }

    /** exp of every lane; lanes are clamped to [-87.3, 88.3], the range of normal float results. */
    public static FloatVector exp(FloatVector x) {
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
