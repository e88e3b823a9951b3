package io.sparkllama.engine.tensor;

import io.sparkllama.engine.sampling.LogSoftmax;
import io.sparkllama.engine.settings.ActivationPrecision;
import io.sparkllama.engine.tensor.kernel.HalfKvKernels;
import io.sparkllama.engine.tensor.kernel.KernelSpecies;
import io.sparkllama.engine.tensor.kernel.VectorExp;
import io.sparkllama.engine.tensor.kernel.VectorMath;
import io.sparkllama.engine.width.BitDigest;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Every kernel on seeded random data at sizes that leave tails (odd column counts, a 2-token and
 * a 9-token matmul), as named digests of their exact output bits: the kernel half of
 * {@link io.sparkllama.engine.width.WidthProbe}.
 */
public final class WidthKernelCases {
    private static final int ROWS = 37;

    private WidthKernelCases() {
    }

    public static Map<String, String> results() {
        Map<String, String> out = new LinkedHashMap<>();
        Random rnd = new Random(2026);
        for (WeightType type : WeightType.values()) {
            int cols = switch (type) {
                case F32, F16, BF16 -> 301;
                case Q8_0, Q4_0 -> 320;
                case Q4_K, Q6_K -> 512;
            };
            byte[] bytes = KernelConsistencyTest.randomData(type, ROWS, cols, rnd);
            MemorySegment seg = Arena.ofAuto().allocate(bytes.length);
            MemorySegment.copy(bytes, 0, seg, ValueLayout.JAVA_BYTE, 0, bytes.length);
            WeightMatrix m = type.matrix(seg, ROWS, cols);
            float[] x = gaussian(rnd, 9 * cols);
            matrixCases(out, type.name(), m, x);
            for (ActivationPrecision precision : ActivationPrecision.values()) {
                WeightMatrix packed = m.forForwardPass(precision);
                if (packed != m) {
                    matrixCases(out, type.name() + " packed " + precision.label(), packed, x);
                }
            }
        }
        for (int n : new int[] {8, 77, 300}) {
            float[] a = gaussian(rnd, n);
            float[] b = gaussian(rnd, n);
            float[] w = gaussian(rnd, n);
            out.put("dot " + n, BitDigest.of(new float[] {VectorMath.dot(a, 0, b, 0, n)}));
            float[] normed = new float[n];
            VectorMath.rmsNorm(normed, 0, a, 0, w, n, 1e-5f);
            out.put("rmsNorm " + n, BitDigest.of(normed));
            float[] soft = a.clone();
            VectorMath.softmax(soft, 0, n);
            out.put("softmax " + n, BitDigest.of(soft));
            float[] scaled = new float[n];
            double sum = VectorExp.expScaled(a, 0, n, 0.5f, 1.25f, scaled);
            out.put("expScaled " + n, BitDigest.of(scaled, sum));
            out.put("sumExp " + n, Long.toHexString(Double.doubleToRawLongBits(VectorExp.sumExp(a, 0, n, 0.5f))));
            out.put("logSumExp " + n, Long.toHexString(Double.doubleToRawLongBits(LogSoftmax.logSumExp(a, 0, n))));
            float[] gate = a.clone();
            VectorExp.swiglu(gate, b, 0, n);
            out.put("swiglu " + n, BitDigest.of(gate));
            float[] rows = gaussian(rnd, 33 * n);
            MemorySegment rowBlock = Arena.ofAuto().allocate((long) rows.length * Float.BYTES, 64);
            MemorySegment.copy(rows, 0, rowBlock, ValueLayout.JAVA_FLOAT, 0, rows.length);
            float[] weighted = new float[n];
            VectorMath.weightedRowSum(weighted, 0, w, 0, Math.min(33, n), new MemorySegment[] {rowBlock}, 33, 0, n, n);
            out.put("weightedRowSum " + n, BitDigest.of(weighted));
            halfKvCases(out, rnd, n, w);
        }
        return out;
    }

    /** The 16-bit KV kernels (f16 and bf16) over {@code n} elements: scores over 33 tiled positions and a weighted row sum. */
    private static void halfKvCases(Map<String, String> out, Random rnd, int n, float[] w) {
        int lanes = KernelSpecies.LANES;
        int count = 33;
        int padded = (count + lanes - 1) / lanes * lanes;
        for (boolean bf16 : new boolean[] {false, true}) {
            String type = bf16 ? "bf16" : "f16";
            MemorySegment keys = Arena.ofAuto().allocate((long) padded * n * Short.BYTES, 64);
            MemorySegment block = Arena.ofAuto().allocate((long) padded * n * Short.BYTES, 64);
            for (int p = 0; p < count; p++) { // draws independent of the lane count; padding lanes stay 0
                for (int d = 0; d < n; d++) {
                    float x = (float) rnd.nextGaussian();
                    short h = bf16 ? (short) (Float.floatToRawIntBits(x) >>> 16) : Float.floatToFloat16(x);
                    // Keys tiled as the machine's KV cache stores them (tile width = lanes), so each position's key is the same everywhere.
                    keys.set(ValueLayout.JAVA_SHORT, ((long) (p / lanes) * n * lanes + (long) d * lanes + p % lanes) * Short.BYTES, h);
                    block.set(ValueLayout.JAVA_SHORT, ((long) p * n + d) * Short.BYTES, h);
                }
            }
            float[] scores = new float[padded];
            HalfKvKernels.dotTiles(w, 0, keys, 0, n * lanes, n, count, 3f, scores, 0, bf16);
            out.put("halfKv dotTiles " + type + " " + n, BitDigest.of(java.util.Arrays.copyOf(scores, count)));
            float[] weighted = new float[n];
            HalfKvKernels.weightedRowSum(weighted, 0, w, 0, Math.min(count, n), new MemorySegment[] {block}, padded, 0, n, n, bf16);
            out.put("halfKv weightedRowSum " + type + " " + n, BitDigest.of(weighted));
        }
    }

    /** dot of every row with two tokens, matvec, and a 9-token matmul over a row range that starts mid-block. */
    private static void matrixCases(Map<String, String> out, String name, WeightMatrix m, float[] x) {
        int rows = m.rows();
        int cols = m.cols();
        float[] dots = new float[2 * rows];
        for (int r = 0; r < rows; r++) {
            dots[r] = m.dot(r, x, 0);
            dots[rows + r] = m.dot(r, x, cols);
        }
        out.put(name + " dot", BitDigest.of(dots));
        float[] mv = new float[rows];
        m.matvec(x, mv, 0, rows);
        out.put(name + " matvec", BitDigest.of(mv));
        float[] mm = new float[9 * rows];
        m.matmul(x, 9, mm, rows, 0, rows);
        out.put(name + " matmul", BitDigest.of(mm));
    }

    private static float[] gaussian(Random rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return v;
    }
}
