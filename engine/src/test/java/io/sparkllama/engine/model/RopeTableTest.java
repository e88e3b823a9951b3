package io.sparkllama.engine.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The on-demand RoPE table gives exactly the eagerly computed rotations, at any declared context. */
class RopeTableTest {
    private static final ModelConfig LLAMA31 = new ModelConfig(64, 172, 1, 4, 2, 512, 131072, 16, 1e-5f, 500000f,
            new ModelConfig.RopeScaling(8f, 1f, 4f, 8192));

    /** The rotation as the former preallocated table computed it: (float) cos of (pos * freq) in float. */
    private static float[] expected(ModelConfig c, float[] v, int pos) {
        float[] freqs = RopeTable.frequencies(c);
        float[] out = v.clone();
        for (int i = 0; i < v.length; i += 2) {
            int p = (i % c.headSize()) / 2;
            float angle = pos * freqs[p];
            float cos = (float) Math.cos(angle);
            float sin = (float) Math.sin(angle);
            out[i] = v[i] * cos - v[i + 1] * sin;
            out[i + 1] = v[i] * sin + v[i + 1] * cos;
        }
        return out;
    }

    @Test
    void rotationsAreBitwiseTheEagerOnesAcrossPages() {
        RopeTable table = new RopeTable(LLAMA31, 131072);
        float[] v = new float[2 * LLAMA31.headSize()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (i % 7 - 3) * 0.37f;
        }
        // Out of order, across page boundaries and far into the context.
        for (int pos : new int[] {300, 0, 255, 256, 257, 511, 131071, 70000, 1}) {
            float[] got = v.clone();
            table.rotate(got, 0, 2, pos);
            assertArrayEquals(expected(LLAMA31, v, pos), got, "position " + pos);
        }
    }

    @Test
    void aHugeDeclaredContextAllocatesNothingUpFront() {
        // The former table asked for 2^31 - 1 positions x 8 pairs floats here: NegativeArraySizeException.
        RopeTable table = new RopeTable(LLAMA31, Integer.MAX_VALUE);
        float[] v = new float[LLAMA31.headSize()];
        v[0] = 1;
        table.rotate(v, 0, 1, 3);
        assertArrayEquals(expected(LLAMA31, new float[] {1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 3), v);
    }

    @Test
    void positionsPastTheContextAreRefused() {
        RopeTable table = new RopeTable(LLAMA31, 300);
        float[] v = new float[LLAMA31.headSize()];
        table.rotate(v, 0, 1, 299);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> table.rotate(v, 0, 1, 300));
        assertEquals("position 300 is outside the context of 300", e.getMessage());
    }
}
