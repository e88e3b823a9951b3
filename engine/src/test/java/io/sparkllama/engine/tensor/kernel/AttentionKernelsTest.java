package io.sparkllama.engine.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The attention kernels against their scalar definitions, bit for bit: scores over tiled keys
 * (every block size and a ragged last tile whose stale lanes must not leak), and the weighted
 * sum of value rows (vector blocks of 4, 2 and 1 and the scalar tail).
 */
class AttentionKernelsTest {
    private static final int L = VectorMath.LANES;

    @ParameterizedTest
    @ValueSource(ints = {8, 48, 64})
    void scoresOverTiledKeysAreEachOneFmaChain(int headSize) {
        SplittableRandom rnd = new SplittableRandom(headSize);
        int kvDim = 3 * headSize;
        int kvOff = headSize; // the second kv head
        int capacity = 7 * L + 3;
        int tiles = (capacity + L - 1) / L;
        float[] keys = new float[tiles * L * kvDim];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = Float.NaN; // stale lanes: a leak would show as NaN
        }
        float[][] byPosition = new float[capacity][kvDim];
        float[] q = random(rnd, 2 * headSize);
        int qOff = headSize;
        for (int count = 1; count <= capacity; count++) {
            int pos = count - 1;
            for (int d = 0; d < kvDim; d++) {
                byPosition[pos][d] = (float) rnd.nextDouble(-1, 1);
                keys[(pos / L) * kvDim * L + d * L + pos % L] = byPosition[pos][d];
            }
            float[] out = new float[capacity + 2 * L];
            java.util.Arrays.fill(out, -7f);
            MemorySegment block = Arena.ofAuto().allocate(4L + (long) keys.length * Float.BYTES, 64);
            MemorySegment.copy(keys, 0, block, ValueLayout.JAVA_FLOAT, 4, keys.length);
            VectorMath.dotTiles(q, qOff, block, 4 + (long) kvOff * L * Float.BYTES, kvDim * L, headSize, count, 8f, out, 1);
            for (int p = 0; p < count; p++) {
                float chain = 0f;
                for (int d = 0; d < headSize; d++) {
                    chain = Math.fma(q[qOff + d], byPosition[p][kvOff + d], chain);
                }
                assertEquals(Float.floatToRawIntBits(chain / 8f), Float.floatToRawIntBits(out[1 + p]),
                        "head size " + headSize + ", " + count + " positions, score " + p);
            }
            assertEquals(-7f, out[0], "written before the first score");
            assertEquals(-7f, out[1 + count], "written past the last score (count " + count + ")");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {5, 24, 48, 64, 7 * 16 + 3})
    void weightedRowSumIsEachElementsChainOverPositions(int n) {
        SplittableRandom rnd = new SplittableRandom(n);
        int count = 37;
        int blockRows = 16; // the chains run across three blocks, the last one partial
        int stride = n + 11;
        float[] w = random(rnd, count + 2);
        float[] rows = random(rnd, count * stride);
        MemorySegment[] blocks = new MemorySegment[(count + blockRows - 1) / blockRows];
        for (int b = 0; b < blocks.length; b++) {
            blocks[b] = Arena.ofAuto().allocate(16L + (long) blockRows * stride * Float.BYTES, 64);
            int m = Math.min(blockRows, count - b * blockRows);
            MemorySegment.copy(rows, b * blockRows * stride, blocks[b], ValueLayout.JAVA_FLOAT, 16, m * stride);
        }
        float[] out = new float[n + 3];
        java.util.Arrays.fill(out, -7f);
        VectorMath.weightedRowSum(out, 2, w, 2, count, blocks, blockRows, 16, stride, n);
        // FMA chains for whole chunks of 16 elements, multiply-add past them, at every vector width.
        int vectorPart = n - n % 16;
        for (int i = 0; i < n; i++) {
            float chain = 0f;
            for (int p = 0; p < count; p++) {
                float a = w[2 + p];
                float x = rows[p * stride + i];
                chain = i < vectorPart ? Math.fma(x, a, chain) : chain + a * x;
            }
            assertEquals(Float.floatToRawIntBits(chain), Float.floatToRawIntBits(out[2 + i]), "n " + n + ", element " + i);
        }
        assertEquals(-7f, out[1]);
        assertEquals(-7f, out[2 + n]);
    }

    /** The 16-bit kernels: the scalar definitions over the exactly widened values, bit for bit (halves' subnormals included). */
    @ParameterizedTest
    @ValueSource(strings = {"f16", "bf16"})
    void halfKernelsAreTheFp32ChainsOverWidenedValues(String type) {
        boolean bf16 = type.equals("bf16");
        SplittableRandom rnd = new SplittableRandom(bf16 ? 16 : 61);
        for (int headSize : new int[] {8, 48, 64}) {
            int kvDim = 2 * headSize;
            int kvOff = headSize;
            int count = 5 * L + 3;
            int tiles = (count + L - 1) / L;
            short[] keys = new short[tiles * L * kvDim];
            java.util.Arrays.fill(keys, (short) (bf16 ? 0x7FC0 : 0x7E00)); // stale lanes: NaN
            float[][] byPosition = new float[count][kvDim];
            for (int p = 0; p < count; p++) {
                for (int d = 0; d < kvDim; d++) {
                    short h = half(rnd, bf16);
                    byPosition[p][d] = widen(h, bf16);
                    keys[(p / L) * kvDim * L + d * L + p % L] = h;
                }
            }
            MemorySegment block = Arena.ofAuto().allocate(2L + (long) keys.length * Short.BYTES, 64);
            MemorySegment.copy(keys, 0, block, ValueLayout.JAVA_SHORT, 2, keys.length);
            float[] q = random(rnd, headSize);
            float[] out = new float[count + 1];
            HalfKvKernels.dotTiles(q, 0, block, 2 + (long) kvOff * L * Short.BYTES, kvDim * L, headSize, count, 8f, out, 0, bf16);
            for (int p = 0; p < count; p++) {
                float chain = 0f;
                for (int d = 0; d < headSize; d++) {
                    chain = Math.fma(q[d], byPosition[p][kvOff + d], chain);
                }
                assertEquals(Float.floatToRawIntBits(chain / 8f), Float.floatToRawIntBits(out[p]), type + " head " + headSize + ", score " + p);
            }
            assertEquals(0f, out[count], "written past the last score");
        }
        for (int n : new int[] {5, 24, 64, 7 * 16 + 3}) {
            int count = 37;
            int blockRows = 16;
            int stride = n + 11;
            float[] w = random(rnd, count);
            float[][] rows = new float[count][stride];
            MemorySegment[] blocks = new MemorySegment[(count + blockRows - 1) / blockRows];
            for (int b = 0; b < blocks.length; b++) {
                blocks[b] = Arena.ofAuto().allocate(6L + (long) blockRows * stride * Short.BYTES, 64);
            }
            for (int p = 0; p < count; p++) {
                for (int i = 0; i < stride; i++) {
                    short h = half(rnd, bf16);
                    rows[p][i] = widen(h, bf16);
                    blocks[p / blockRows].set(ValueLayout.JAVA_SHORT, 6 + ((long) (p % blockRows) * stride + i) * Short.BYTES, h);
                }
            }
            float[] out = new float[n];
            HalfKvKernels.weightedRowSum(out, 0, w, 0, count, blocks, blockRows, 6, stride, n, bf16);
            int vectorPart = n - n % 16;
            for (int i = 0; i < n; i++) {
                float chain = 0f;
                for (int p = 0; p < count; p++) {
                    chain = i < vectorPart ? Math.fma(rows[p][i], w[p], chain) : chain + w[p] * rows[p][i];
                }
                assertEquals(Float.floatToRawIntBits(chain), Float.floatToRawIntBits(out[i]), type + " n " + n + ", element " + i);
            }
        }
    }

    /** A random 16-bit value: mostly in [-4, 4), one in eight a half subnormal (or a tiny bfloat16). */
    private static short half(SplittableRandom rnd, boolean bf16) {
        float x = rnd.nextInt(8) == 0 ? (float) rnd.nextDouble(-6e-5, 6e-5) : (float) rnd.nextDouble(-4, 4);
        return bf16 ? (short) (Float.floatToRawIntBits(x) >>> 16) : Float.floatToFloat16(x);
    }

    private static float widen(short h, boolean bf16) {
        return bf16 ? Float.intBitsToFloat(h << 16) : Float.float16ToFloat(h);
    }

    private static float[] random(SplittableRandom rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rnd.nextDouble(-1, 1);
        }
        return v;
    }
}
