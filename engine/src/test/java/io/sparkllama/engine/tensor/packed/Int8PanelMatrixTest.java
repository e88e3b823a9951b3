package io.sparkllama.engine.tensor.packed;

import io.sparkllama.engine.settings.ActivationPrecision;
import io.sparkllama.engine.tensor.KernelConsistencyTest;
import io.sparkllama.engine.tensor.WeightMatrix;
import io.sparkllama.engine.tensor.WeightType;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Q8_0 and Q4_0 under {@link ActivationPrecision#INT8}: the repacked matrix keeps every weight;
 * dot, matvec (16-bit integer kernels) and matmul (integer-valued fp32 blocks) agree bit for bit
 * over whole and partial panels, ragged row ranges and every token block (15 = 8 + 4 + 3); and the result is
 * llama.cpp's: activations quantized per block of 32 to fp16-scaled int8, exact integer block
 * sums, one scale product per block, checked against a float64 reference. Some blocks carry
 * fp16 scales at the edges (zero, subnormal, largest finite).
 */
class Int8PanelMatrixTest {
    private static final int PANEL = Int8PanelMatrix.PANEL;
    private static final int ROWS = 5 * PANEL + 5;
    private static final int COLS = 256;
    private static final int TOKENS = 15;

    @ParameterizedTest
    @EnumSource(value = WeightType.class, names = {"Q8_0", "Q4_0"})
    void packedMatrixKeepsEveryWeightAndAllKernelsAgree(WeightType type) {
        Random rnd = new Random(7 + type.ordinal());
        byte[] bytes = KernelConsistencyTest.randomData(type, ROWS, COLS, rnd);
        // Scales at the edges of fp16, which the panels widen from their bits: zeros, subnormals,
        // the largest finite values, either sign.
        short[] edges = {0x0000, (short) 0x8000, 0x0001, 0x03ff, (short) 0x8200, 0x0400, 0x7bff, (short) 0xfbff, 0x3c00};
        int blocks = COLS / 32;
        for (int i = 0; i < edges.length; i++) {
            int at = ((3 * i + 1) * blocks + i % blocks) * type.blockBytes;
            bytes[at] = (byte) edges[i];
            bytes[at + 1] = (byte) (edges[i] >> 8);
        }
        MemorySegment seg = Arena.ofAuto().allocate(bytes.length, 64);
        MemorySegment.copy(bytes, 0, seg, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, bytes.length);
        WeightMatrix stored = type.matrix(seg, ROWS, COLS);
        WeightMatrix packed = stored.forForwardPass(ActivationPrecision.INT8);
        assertInstanceOf(Int8PanelMatrix.class, packed);
        assertSame(stored, stored.forForwardPass(ActivationPrecision.FP32));

        float[] a = new float[COLS];
        float[] b = new float[COLS];
        for (int r = 0; r < ROWS; r++) {
            stored.copyRow(r, a, 0);
            packed.copyRow(r, b, 0);
            assertArrayEquals(a, b, "row " + r);
        }

        float[] x = new float[TOKENS * COLS];
        for (int i = 0; i < x.length; i++) {
            // Blocks of zeros and of one repeated value too: amax 0 and |q| = 127 everywhere.
            x[i] = i / 32 % 7 == 3 ? 0f : i / 32 % 7 == 5 ? -1.5f : (float) rnd.nextGaussian();
        }
        float[] dots = new float[TOKENS * ROWS];
        for (int t = 0; t < TOKENS; t++) {
            for (int r = 0; r < ROWS; r++) {
                dots[t * ROWS + r] = packed.dot(r, x, t * COLS);
                double expected = llamaCpp(stored, r, x, t * COLS);
                assertEquals(expected, dots[t * ROWS + r], 2e-5 + 1e-6 * Math.abs(expected), "row " + r + " token " + t);
            }
        }
        int[][] ranges = {{0, ROWS}, {0, PANEL}, {PANEL, 3 * PANEL}, {3, ROWS - 2}, {PANEL + 1, PANEL + 2}};
        for (int[] range : ranges) {
            float[] out = new float[TOKENS * ROWS];
            packed.matmul(x, TOKENS, out, ROWS, range[0], range[1]);
            for (int t = 0; t < TOKENS; t++) {
                float[] one = new float[ROWS];
                float[] xt = java.util.Arrays.copyOfRange(x, t * COLS, t * COLS + COLS);
                packed.matvec(xt, one, range[0], range[1]);
                for (int r = range[0]; r < range[1]; r++) {
                    assertEquals(Float.floatToRawIntBits(dots[t * ROWS + r]), Float.floatToRawIntBits(out[t * ROWS + r]),
                            "matmul row " + r + " token " + t + " range " + range[0] + ".." + range[1]);
                    assertEquals(Float.floatToRawIntBits(dots[t * ROWS + r]), Float.floatToRawIntBits(one[r]),
                            "matvec row " + r + " token " + t + " range " + range[0] + ".." + range[1]);
                }
            }
        }
    }

    /** ggml's Q8_0 activation quantization and block dot product, scalar, summed in float64. */
    private static double llamaCpp(WeightMatrix stored, int row, float[] x, int off) {
        float[] w = new float[COLS];
        stored.copyRow(row, w, 0);
        double sum = 0;
        for (int b = 0; b < COLS / 32; b++) {
            float amax = 0f;
            for (int j = 0; j < 32; j++) {
                amax = Math.max(amax, Math.abs(x[off + b * 32 + j]));
            }
            float d = amax / 127f;
            float id = amax == 0f ? 0f : 127f / amax;
            double dx = Float.float16ToFloat(Float.floatToFloat16(d));
            double block = 0;
            for (int j = 0; j < 32; j++) {
                block += (double) w[b * 32 + j] * Math.rint(x[off + b * 32 + j] * id);
            }
            sum += block * dx;
        }
        return sum;
    }
}
