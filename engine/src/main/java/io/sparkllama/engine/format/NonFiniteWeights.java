package io.sparkllama.engine.format;

import io.sparkllama.engine.tensor.WeightMatrix;

/**
 * The load-time check for NaN and infinity in weights, kept cheap: every value of a vector (the
 * norms: a NaN there poisons every token), and the first, middle and last rows of a matrix (a
 * corrupted or wrongly converted tensor rarely spares all three). Values are read as the kernels
 * see them (dequantized), so a non-finite quantization scale is found too.
 */
public final class NonFiniteWeights {
    private NonFiniteWeights() {
    }

    /** Where {@code m}'s checked rows hold a non-finite value ("row R column C is NaN"), or null. */
    public static String find(WeightMatrix m) {
        float[] row = new float[m.cols()];
        for (int r : new int[] {0, m.rows() / 2, m.rows() - 1}) {
            m.copyRow(r, row, 0);
            int c = firstNonFinite(row);
            if (c >= 0) {
                return "row " + r + " column " + c + " is " + row[c];
            }
        }
        return null;
    }

    /** Where {@code v} holds a non-finite value ("element I is NaN"), or null. */
    public static String find(float[] v) {
        int i = firstNonFinite(v);
        return i < 0 ? null : "element " + i + " is " + v[i];
    }

    private static int firstNonFinite(float[] v) {
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                return i;
            }
        }
        return -1;
    }
}
