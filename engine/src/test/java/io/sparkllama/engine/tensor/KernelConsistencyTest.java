package io.sparkllama.engine.tensor;

import io.sparkllama.engine.tensor.packed.PackedF32Matrix;
import io.sparkllama.engine.tensor.stored.F16Matrix;
import io.sparkllama.engine.tensor.stored.F32Matrix;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Per storage type: dot, matvec and matmul give bit-identical results for every (row, token),
 * whatever the row range; copyRow equals ggml's scalar dequantization exactly; dot is close to a
 * float64 dot of the dequantized row.
 */
public class KernelConsistencyTest {
    private static final int ROWS = 11;
    private static final int TOKENS = 5;

    private static int cols(WeightType t) {
        return switch (t) {
            case F32, F16, BF16 -> 77;   // not a multiple of any lane count: exercises the tails
            case Q8_0, Q4_0 -> 96;
            case Q4_K, Q6_K -> 512;
        };
    }

    /** Random blocks with sane scales (random bits elsewhere, so every quant value occurs). */
    public static byte[] randomData(WeightType t, int rows, int cols, Random rnd) {
        byte[] data = new byte[(int) t.byteSize((long) rows * cols)];
        rnd.nextBytes(data);
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        switch (t) {
            case F32 -> {
                for (int i = 0; i < rows * cols; i++) {
                    b.putFloat(4 * i, (float) rnd.nextGaussian());
                }
            }
            case F16 -> {
                for (int i = 0; i < rows * cols; i++) {
                    // Include subnormals and signed zeros.
                    double v = i % 13 == 0 ? rnd.nextGaussian() * 1e-6 : i % 29 == 0 ? -0.0 : rnd.nextGaussian();
                    b.putShort(2 * i, Float.floatToFloat16((float) v));
                }
            }
            case BF16 -> {
                for (int i = 0; i < rows * cols; i++) {
                    b.putShort(2 * i, (short) (Float.floatToRawIntBits((float) rnd.nextGaussian()) >>> 16));
                }
            }
            case Q8_0, Q4_0 -> {
                for (int o = 0; o < data.length; o += t.blockBytes) {
                    b.putShort(o, Float.floatToFloat16(0.001f + rnd.nextFloat() * 0.05f));
                }
            }
            case Q4_K -> {
                for (int o = 0; o < data.length; o += t.blockBytes) {
                    b.putShort(o, Float.floatToFloat16(0.001f + rnd.nextFloat() * 0.01f));
                    b.putShort(o + 2, Float.floatToFloat16(0.001f + rnd.nextFloat() * 0.01f));
                }
            }
            case Q6_K -> {
                for (int o = 0; o < data.length; o += t.blockBytes) {
                    b.putShort(o + 208, Float.floatToFloat16(0.0001f + rnd.nextFloat() * 0.001f));
                }
            }
        }
        return data;
    }

    @ParameterizedTest
    @EnumSource(value = WeightType.class, names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_K", "Q6_K"})
    void dotMatvecMatmulAgreeBitForBit(WeightType type) {
        Random rnd = new Random(42 + type.ordinal());
        int cols = cols(type);
        byte[] bytes = randomData(type, ROWS, cols, rnd);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(bytes.length);
            MemorySegment.copy(bytes, 0, seg, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, bytes.length);
            WeightMatrix m = type.matrix(seg, ROWS, cols);
            float[] x = new float[TOKENS * cols];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) rnd.nextGaussian();
            }
            // Run the kernels many times so that both interpreted and JIT-compiled code are compared.
            for (int rep = 0; rep < 300; rep++) {
                float[] mv = new float[ROWS];
                m.matvec(x, mv, 0, ROWS);
                float[] mm = new float[TOKENS * ROWS];
                m.matmul(x, TOKENS, mm, ROWS, 0, ROWS);
                float[] mmShifted = new float[TOKENS * ROWS];
                m.matmul(x, TOKENS, mmShifted, ROWS, 1, ROWS);
                float[] mvShifted = new float[ROWS];
                m.matvec(x, mvShifted, 3, ROWS);
                for (int r = 0; r < ROWS; r++) {
                    float d = m.dot(r, x, 0);
                    assertEquals(Float.floatToRawIntBits(d), Float.floatToRawIntBits(mv[r]), type + " matvec row " + r);
                    if (r >= 3) {
                        assertEquals(Float.floatToRawIntBits(d), Float.floatToRawIntBits(mvShifted[r]), type + " matvec from 3, row " + r);
                    }
                    for (int t = 0; t < TOKENS; t++) {
                        float dt = m.dot(r, x, t * cols);
                        assertEquals(Float.floatToRawIntBits(dt), Float.floatToRawIntBits(mm[t * ROWS + r]), type + " matmul row " + r + " token " + t);
                        if (r >= 1) {
                            assertEquals(Float.floatToRawIntBits(dt), Float.floatToRawIntBits(mmShifted[t * ROWS + r]),
                                    type + " matmul from 1, row " + r + " token " + t);
                        }
                    }
                }
            }
            for (int r = 0; r < ROWS; r++) {
                float[] want = ReferenceDequant.row(type, bytes, r, cols);
                float[] got = new float[cols + 3];
                m.copyRow(r, got, 3);
                double exact = 0;
                double magnitude = 0;
                for (int i = 0; i < cols; i++) {
                    assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[3 + i]), type + " copyRow " + r + " element " + i);
                    exact += (double) want[i] * x[i];
                    magnitude += Math.abs((double) want[i] * x[i]);
                }
                assertEquals(exact, m.dot(r, x, 0), 1e-5 * magnitude + 1e-6, type + " dot row " + r);
            }
        }
    }

    /**
     * The packed fp32 layout: whole and partial panels, 8-token blocks and leftover tokens (11, 12
     * and 15 tokens: 3, 4 and 7 past a block on AVX-512, run as 2 + 1, 4 and a zero-padded 8), and row
     * ranges that start and end inside a panel all give dot's bits; the packing keeps every value.
     */
    @Test
    void packedF32AgreesBitForBitAndKeepsTheWeights() {
        int rows = 5 * PackedF32Matrix.PANEL + 5; // a four-panel decode block, a single panel, a partial one
        int cols = 77;
        int[] tokenCounts = {11, 12, 15};
        Random rnd = new Random(7);
        byte[] bytes = randomData(WeightType.F32, rows, cols, rnd);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(bytes.length);
            MemorySegment.copy(bytes, 0, seg, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, bytes.length);
            F32Matrix plain = new F32Matrix(seg, rows, cols);
            PackedF32Matrix m = PackedF32Matrix.of(plain);
            float[] x = new float[15 * cols];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) rnd.nextGaussian();
            }
            int[][] ranges = {{0, rows}, {3, rows}, {PackedF32Matrix.PANEL + 1, rows - 2}, {0, 2 * PackedF32Matrix.PANEL}};
            for (int rep = 0; rep < 300; rep++) {
                int tokens = tokenCounts[rep % tokenCounts.length];
                for (int[] range : ranges) {
                    float[] mv = new float[rows];
                    m.matvec(x, mv, range[0], range[1]);
                    float[] mm = new float[tokens * rows];
                    m.matmul(x, tokens, mm, rows, range[0], range[1]);
                    for (int r = 0; r < rows; r++) {
                        boolean in = r >= range[0] && r < range[1];
                        assertEquals(in ? Float.floatToRawIntBits(m.dot(r, x, 0)) : 0, Float.floatToRawIntBits(mv[r]), "matvec row " + r + " of " + range[0] + ".." + range[1]);
                        for (int t = 0; t < tokens; t++) {
                            assertEquals(in ? Float.floatToRawIntBits(m.dot(r, x, t * cols)) : 0, Float.floatToRawIntBits(mm[t * rows + r]),
                                    "matmul row " + r + " token " + t + " of " + tokens + ", rows " + range[0] + ".." + range[1]);
                        }
                    }
                }
            }
            float[] want = new float[cols];
            float[] got = new float[cols];
            for (int r = 0; r < rows; r++) {
                plain.copyRow(r, want, 0);
                m.copyRow(r, got, 0);
                assertArrayEquals(want, got, "row " + r);
                double exact = 0;
                double magnitude = 0;
                for (int i = 0; i < cols; i++) {
                    exact += (double) want[i] * x[i];
                    magnitude += Math.abs((double) want[i] * x[i]);
                }
                assertEquals(exact, m.dot(r, x, 0), 1e-5 * magnitude + 1e-6, "dot row " + r);
            }
        }
    }

    @Test
    void everyHalfWidensExactly() {
        int n = 65536;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(2L * n);
            for (int i = 0; i < n; i++) {
                seg.set(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 2L * i, (short) i);
            }
            float[] got = new float[n];
            new F16Matrix(seg, 1, n).copyRow(0, got, 0);
            for (int i = 0; i < n; i++) {
                float want = Float.float16ToFloat((short) i);
                if (Float.isNaN(want)) {
                    assertEquals(true, Float.isNaN(got[i]), "half 0x" + Integer.toHexString(i));
                } else {
                    assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(got[i]), "half 0x" + Integer.toHexString(i));
                }
            }
        }
    }
}
