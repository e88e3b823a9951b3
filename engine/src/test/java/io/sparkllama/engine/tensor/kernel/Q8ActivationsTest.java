package io.sparkllama.engine.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The vectorized activation quantization against its scalar definition (llama.cpp's): amax per
 * block of 32, fp16 scale amax/127, {@code q = rint(x * 127 / amax)} with ties to even.
 */
class Q8ActivationsTest {
    @Test
    void matchesTheScalarDefinitionTiesIncluded() {
        int cols = 8 * 32;
        int tokens = 3;
        Random rnd = new Random(11);
        float[] x = new float[1 + tokens * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rnd.nextGaussian() * Math.exp(rnd.nextGaussian()));
        }
        // A block with amax 127 (inverse 1): halves round to even, both signs.
        float[] halves = {127f, 0.5f, 1.5f, 2.5f, -0.5f, -1.5f, -2.5f, 126.5f, -126.5f, 3.5f, -0f, 0f};
        System.arraycopy(halves, 0, x, 1 + 32, halves.length);
        for (int i = 1 + 64; i < 1 + 96; i++) {
            x[i] = 0f; // amax 0
        }
        Q8Activations a = new Q8Activations();
        a.quantize(x, 1, tokens, cols, true);
        for (int b = 0; b < tokens * cols / 32; b++) {
            float amax = 0f;
            for (int j = 0; j < 32; j++) {
                amax = Math.max(amax, Math.abs(x[1 + b * 32 + j]));
            }
            float inverse = amax == 0f ? 0f : 127f / amax;
            int sum = 0;
            for (int j = 0; j < 32; j++) {
                short q = (short) Math.rint(x[1 + b * 32 + j] * inverse);
                assertEquals(q, a.q[b * 32 + j], "block " + b + " value " + j);
                assertEquals(q, a.qf[b * 32 + j], "block " + b + " value " + j + " as float");
                sum += q;
            }
            assertEquals(Float.float16ToFloat(Float.floatToFloat16(amax / 127f)), a.scale[b], "block " + b);
            assertEquals((short) (8 * sum), a.eightSums[b], "block " + b);
        }
        assertEquals(0, a.q[32 + 1], "0.5 rounds to 0");
        assertEquals(2, a.q[32 + 2], "1.5 rounds to 2");
        assertEquals(2, a.q[32 + 3], "2.5 rounds to 2");
        assertEquals(-2, a.q[32 + 6], "-2.5 rounds to -2");
        assertEquals(126, a.q[32 + 7], "126.5 rounds to 126");
    }
}
