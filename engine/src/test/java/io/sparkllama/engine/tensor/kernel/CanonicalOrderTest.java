package io.sparkllama.engine.tensor.kernel;

import io.sparkllama.engine.tensor.KernelConsistencyTest;
import io.sparkllama.engine.tensor.ReferenceDequant;
import io.sparkllama.engine.tensor.WeightMatrix;
import io.sparkllama.engine.tensor.WeightType;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The canonical order of {@link LaneSum}, written out in scalar Java (16 lanes, FMA chains, the
 * butterfly, the tail), is what the vector kernels compute at this JVM's width; the suite runs at
 * 128, 256 and 512 bits, so each width is held to the same definition.
 */
class CanonicalOrderTest {

    /** The definition: lane e % 16 takes element e by FMA, lanes added i + (i+8), then +4, +2, +1; the tail one by one. */
    static float canonicalDot(float[] w, float[] x, int xOff, int n) {
        float[] lane = new float[16];
        int bound = n - n % 16;
        for (int e = 0; e < bound; e++) {
            lane[e % 16] = Math.fma(w[e], x[xOff + e], lane[e % 16]);
        }
        float sum = 0f;
        if (bound > 0) {
            for (int step = 8; step >= 1; step /= 2) {
                for (int i = 0; i < step; i++) {
                    lane[i] = lane[i] + lane[i + step];
                }
            }
            sum = lane[0];
        }
        for (int e = bound; e < n; e++) {
            sum += w[e] * x[xOff + e];
        }
        return sum;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 8, 15, 16, 17, 48, 77, 300, 1024})
    void vectorDotIsTheDefinition(int n) {
        Random rnd = new Random(n);
        float[] a = new float[n + 3];
        float[] b = new float[n + 5];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) rnd.nextGaussian();
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) rnd.nextGaussian();
        }
        float[] w = java.util.Arrays.copyOfRange(a, 3, 3 + n);
        for (int rep = 0; rep < 200; rep++) {
            assertEquals(Float.floatToRawIntBits(canonicalDot(w, b, 5, n)), Float.floatToRawIntBits(VectorMath.dot(a, 3, b, 5, n)), "n " + n);
        }
    }

    @ParameterizedTest
    @EnumSource(value = WeightType.class, names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_K", "Q6_K"})
    void everyRowMajorKernelIsTheDefinition(WeightType type) {
        Random rnd = new Random(11 + type.ordinal());
        int rows = 9;
        int cols = switch (type) {
            case F32, F16, BF16 -> 93;
            case Q8_0, Q4_0 -> 160;
            case Q4_K, Q6_K -> 512;
        };
        byte[] bytes = KernelConsistencyTest.randomData(type, rows, cols, rnd);
        MemorySegment seg = Arena.ofAuto().allocate(bytes.length);
        MemorySegment.copy(bytes, 0, seg, ValueLayout.JAVA_BYTE, 0, bytes.length);
        WeightMatrix m = type.matrix(seg, rows, cols);
        float[] x = new float[3 * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        for (int rep = 0; rep < 100; rep++) {
            float[] mv = new float[rows];
            m.matvec(x, mv, 0, rows);
            float[] mm = new float[3 * rows];
            m.matmul(x, 3, mm, rows, 0, rows);
            for (int r = 0; r < rows; r++) {
                float[] w = ReferenceDequant.row(type, bytes, r, cols);
                for (int t = 0; t < 3; t++) {
                    int want = Float.floatToRawIntBits(canonicalDot(w, x, t * cols, cols));
                    assertEquals(want, Float.floatToRawIntBits(m.dot(r, x, t * cols)), type + " dot row " + r + " token " + t);
                    assertEquals(want, Float.floatToRawIntBits(mm[t * rows + r]), type + " matmul row " + r + " token " + t);
                }
                assertEquals(Float.floatToRawIntBits(canonicalDot(w, x, 0, cols)), Float.floatToRawIntBits(mv[r]), type + " matvec row " + r);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {5, 16, 77, 300})
    void laneSumsOfStoredAndHeldLanesAgree(int seed) {
        Random rnd = new Random(seed);
        float[] lanes = new float[16];
        for (int i = 0; i < 16; i++) {
            lanes[i] = (float) rnd.nextGaussian() * (1 << (i % 7));
        }
        float[] copy = lanes.clone();
        for (int step = 8; step >= 1; step /= 2) {
            for (int i = 0; i < step; i++) {
                copy[i] = copy[i] + copy[i + step];
            }
        }
        assertEquals(Float.floatToRawIntBits(copy[0]), Float.floatToRawIntBits(LaneSum.sum(lanes, 0)));
    }
}
