package io.sparkllama.engine.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Sums the lanes of a vector in one fixed order (halving tree), the same in interpreted and
 * JIT-compiled code. {@code reduceLanes(ADD)} may use a different order once C2 compiles it, so
 * a row's result would depend on how warm the JVM is; results here must not.
 */
public final class LaneSum {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    @SuppressWarnings("unchecked")
    private static final VectorShuffle<Float>[] HALVES = new VectorShuffle[Integer.numberOfTrailingZeros(S.length())];

    static {
        for (int i = 0, k = S.length() / 2; k >= 1; i++, k /= 2) {
            HALVES[i] = VectorShuffle.iota(S, k, 1, true);
        }
    }

    private LaneSum() {
    }

    public static float sum(FloatVector v) {
        for (VectorShuffle<Float> half : HALVES) {
            v = v.add(v.rearrange(half));
        }
        return v.lane(0);
    }
}
