package io.sparkllama.engine.sampling;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * exp(x) for x ≤ 0 from lane-wise fma, add and bit operations only, so every JIT tier gives the
 * same bits ({@code lanewise(EXP)} uses a vector math library under C2 and {@code Math.exp} in the
 * interpreter: logprobs would change with warm-up). Relative error about 2e-7.
 */
final class ExactExp {
    private static final float LOG2E = 1.44269504f;
    private static final float LN2_HI = 0.693145752f;
    private static final float LN2_LO = 1.42860677e-6f;
    /** 1.5 * 2^23: adding it rounds to an integer held in the low mantissa bits. */
    private static final float ROUND = 12582912f;
    private static final int ROUND_BITS = Float.floatToRawIntBits(ROUND);
    /** Below this exp(x) < 1e-37: clamped, which keeps 2^k a normal float. */
    private static final float MIN_X = -86f;

    private ExactExp() {
    }

    static FloatVector exp(FloatVector x) {
        x = x.max(MIN_X);
        FloatVector t = x.fma(LOG2E, ROUND);
        FloatVector k = t.sub(ROUND);
        FloatVector r = k.fma(k.broadcast(-LN2_HI), x);
        r = k.fma(k.broadcast(-LN2_LO), r);
        // Taylor series of exp(r) for |r| <= ln2/2, Horner form.
        FloatVector p = r.fma(1f / 720, 1f / 120);
        p = p.fma(r, r.broadcast(1f / 24));
        p = p.fma(r, r.broadcast(1f / 6));
        p = p.fma(r, r.broadcast(0.5f));
        p = p.fma(r, r.broadcast(1f));
        p = p.fma(r, r.broadcast(1f));
        IntVector ki = ((IntVector) t.reinterpretAsInts()).sub(ROUND_BITS);
        IntVector bits = ((IntVector) p.reinterpretAsInts()).add(ki.lanewise(VectorOperators.LSHL, 23));
        return bits.reinterpretAsFloats();
    }
}
