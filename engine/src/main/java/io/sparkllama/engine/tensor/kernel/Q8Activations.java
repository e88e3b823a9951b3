package io.sparkllama.engine.tensor.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * A thread's activations quantized the way llama.cpp quantizes them for Q8_0 and Q4_0 weights:
 * per block of 32 values, scale {@code d = amax / 127} (kept at fp16 precision, as ggml stores
 * it) and {@code q = rint(x * 127 / amax)} in [-127, 127]. Holds the integers both as shorts
 * (for the integer decode kernels) and as floats (exact, for the fp32 register blocks).
 */
public final class Q8Activations {
    public static final int QK = 32;
    private static final VectorSpecies<Float> S = KernelSpecies.FLOAT;
    private static final int L = KernelSpecies.LANES;
    private static final float ROUNDER = 0x1.8p23f;

    public short[] q = new short[0];
    public float[] qf = new float[0];
    /** Per block: d. */
    public float[] scale = new float[0];
    /**
     * {@code scale * 2^112}, exact (an fp16 scale is below 2^16): the factor for weight scales that
     * {@link Int8PanelMatrix#rowScales} widens from fp16 bits without rebiasing the exponent.
     */
    public float[] scale2p112 = new float[0];
    /** Per block: 8 * sum of q, which Q4_0 subtracts once per block instead of 8 per weight. */
    public short[] eightSums = new short[0];

    /**
     * Quantizes {@code n} tokens of {@code cols} values each, read from {@code x[xOffset ..]};
     * {@code withFloats} also fills {@link #qf}.
     */
    public void quantize(float[] x, int xOffset, int n, int cols, boolean withFloats) {
        int values = n * cols;
        int blocks = values / QK;
        if (q.length < values) {
            q = new short[values];
            qf = new float[values];
            scale = new float[blocks];
            scale2p112 = new float[blocks];
            eightSums = new short[blocks];
        }
        for (int b = 0; b < blocks; b++) {
            int at = b * QK;
            int from = xOffset + at;
            FloatVector m = FloatVector.zero(S);
            for (int j = 0; j < QK; j += L) {
                m = m.max(FloatVector.fromArray(S, x, from + j).abs());
            }
            float amax = m.reduceLanes(VectorOperators.MAX);
            float inverse = amax == 0f ? 0f : 127f / amax;
            scale[b] = Float.float16ToFloat(Float.floatToFloat16(amax / 127f));
            scale2p112[b] = scale[b] * 0x1p112f;
            int sum = 0;
            for (int j = 0; j < QK; j += L) {
                // Adding and taking away 1.5 * 2^23 rounds to the nearest integer, ties to even,
                // as Math.rint does: |x * inverse| <= 127 is far below 2^22.
                FloatVector v = FloatVector.fromArray(S, x, from + j).mul(inverse).add(ROUNDER).sub(ROUNDER);
                IntVector iv = (IntVector) v.convert(VectorOperators.F2I, 0);
                sum += iv.reduceLanes(VectorOperators.ADD);
                ((ShortVector) iv.convertShape(VectorOperators.I2S, KernelSpecies.SHORT, 0)).intoArray(q, at + j);
                if (withFloats) {
                    ((FloatVector) iv.convert(VectorOperators.I2F, 0)).intoArray(qf, at + j);
                }
            }
            eightSums[b] = (short) (8 * sum);
        }
    }
}
