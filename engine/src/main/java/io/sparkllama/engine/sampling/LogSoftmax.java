package io.sparkllama.engine.sampling;

import io.sparkllama.engine.tensor.kernel.KernelSpecies;
import io.sparkllama.engine.tensor.kernel.VectorExp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** log-sum-exp and argmax over a logit vector, vectorized: they run once per token over the vocabulary. */
public final class LogSoftmax {
    private static final VectorSpecies<Float> S = KernelSpecies.FLOAT;
    private static final int L = KernelSpecies.LANES;

    private LogSoftmax() {
    }

    public static float max(float[] x, int off, int n) {
        int i = 0;
        int bound = S.loopBound(n);
        float max = Float.NEGATIVE_INFINITY;
        if (bound > 0) {
            FloatVector m = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            for (; i < bound; i += L) {
                m = m.max(FloatVector.fromArray(S, x, off + i));
            }
            max = m.reduceLanes(VectorOperators.MAX);
        }
        for (; i < n; i++) {
            max = Math.max(max, x[off + i]);
        }
        return max;
    }

    /** log Σ exp(x[i]) over {@code x[off..off+n)}, shifted by the maximum (see {@link VectorExp#sumExp}). */
    public static double logSumExp(float[] x, int off, int n) {
        float max = max(x, off, n);
        return max + Math.log(VectorExp.sumExp(x, off, n, max));
    }

    /** Index of the largest logit; the lowest index wins ties. */
    public static int argmax(float[] x, int off, int n) {
        float max = max(x, off, n);
        for (int i = 0; i < n; i++) {
            if (x[off + i] == max) {
                return i;
            }
        }
        return 0;
    }
}
