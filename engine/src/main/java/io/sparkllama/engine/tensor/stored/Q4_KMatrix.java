package io.sparkllama.engine.tensor.stored;

import io.sparkllama.engine.tensor.WeightMatrix;
import io.sparkllama.engine.tensor.WeightType;
import io.sparkllama.engine.tensor.kernel.DequantizedKernels;
import io.sparkllama.engine.tensor.kernel.KernelSpecies;
import io.sparkllama.engine.tensor.kernel.LaneSum;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * ggml Q4_K weights: super-blocks of 256 values = fp16 {@code d}, fp16 {@code dmin}, 12 bytes of
 * packed 6-bit scales and mins for eight 32-value sub-blocks, and 128 bytes of nibbles (bytes
 * 32c..32c+31 hold sub-block 2c in their low nibbles and 2c+1 in their high ones). Value =
 * {@code d*scale * q - dmin*min}. dot unpacks inside its FMA loop; matvec and matmul unpack rows
 * with copyRow into scratch ({@link DequantizedKernels}). Every kernel accumulates a (row, token)
 * pair in the same order, so dot, matvec and matmul agree bit for bit.
 */
public final class Q4_KMatrix extends WeightMatrix {
    private static final VectorSpecies<Float> S = KernelSpecies.FLOAT;
    private static final VectorSpecies<Integer> I = KernelSpecies.INT;
    private static final int L = KernelSpecies.LANES;
    private static final int PARTS = LaneSum.PARTS;
    private static final int QK = 256;
    private static final int SUB = 32;
    private static final int BLOCK_BYTES = 144;
    private static final int SCALES = 4;
    private static final int QS = 16;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final int blocks;
    private final long rowBytes;

    /** @param cols a multiple of 256 (the loader refuses other tensors) */
    public Q4_KMatrix(MemorySegment data, int rows, int cols) {
        super(data, rows, cols);
        if (cols % QK != 0) {
            throw new IllegalArgumentException("Q4_K rows need a multiple of " + QK + " elements, got " + cols);
        }
        this.blocks = cols / QK;
        this.rowBytes = (long) blocks * BLOCK_BYTES;
    }

    @Override
    public WeightType type() {
        return WeightType.Q4_K;
    }

    // Each scalar read from the mapping costs the JIT many IR nodes, and a kernel that reads too
    // much fails to inline its vector helpers; so a block's header is read in three wide loads.

    /** fp16 d (low half) and dmin (high half) of a block. */
    private int header(long block) {
        return data.get(INT, block);
    }

    /** Scale bytes 0..7 of a block. */
    private long scalesLow(long block) {
        return data.get(LONG, block + SCALES);
    }

    /** Scale bytes 8..11 of a block. */
    private int scalesHigh(long block) {
        return data.get(INT, block + SCALES + 8);
    }

    private static float d(int header) {
        return Float.float16ToFloat((short) header);
    }

    private static float dmin(int header) {
        return Float.float16ToFloat((short) (header >>> 16));
    }

    /** Scale byte i (0..11) from its two wide loads. */
    private static int q(long lo, int hi, int i) {
        return (int) (i < 8 ? lo >>> (8 * i) : hi >>> (8 * (i - 8))) & 0xFF;
    }

    /** The 6-bit scale of sub-block j (ggml's get_scale_min_k4). */
    private static int scale(long lo, int hi, int j) {
        return j < 4 ? q(lo, hi, j) & 63 : (q(lo, hi, j + 4) & 0x0F) | ((q(lo, hi, j - 4) >> 6) << 4);
    }

    /** The 6-bit min of sub-block j. */
    private static int min(long lo, int hi, int j) {
        return j < 4 ? q(lo, hi, j + 4) & 63 : (q(lo, hi, j + 4) >> 4) | ((q(lo, hi, j) >> 6) << 4);
    }

    /** Lanes {@code [s*L, s*L+L)} of sub-block j, dequantized with its scale dj and offset mj. */
    private FloatVector weights(long block, int j, int s, float dj, float mj) {
        ByteVector packed = KernelSpecies.bytes(data, block + QS + (j >> 1) * 32L + (long) s * L);
        // On int lanes (x86 has no byte-lane shift), and one shift by 0 or 4 rather than a choice
        // of two vectors, which C2 may have to box where they merge.
        IntVector wide = (IntVector) packed.convertShape(VectorOperators.B2I, I, 0);
        IntVector q = wide.lanewise(VectorOperators.ASHR, 4 * (j & 1)).and(0x0F);
        return ((FloatVector) q.convertShape(VectorOperators.I2F, S, 0)).mul(dj).sub(mj);
    }

    @Override
    public float dot(int row, float[] x, int xOffset) {
        long base = row * rowBytes;
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        for (int b = 0; b < blocks; b++) {
            long blk = base + (long) b * BLOCK_BYTES;
            int h = header(blk);
            float d = d(h);
            float dmin = dmin(h);
            long lo = scalesLow(blk);
            int hi = scalesHigh(blk);
            for (int j = 0; j < QK / SUB; j++) {
                float dj = d * scale(lo, hi, j);
                float mj = dmin * min(lo, hi, j);
                int xb = xOffset + b * QK + j * SUB;
                for (int s = 0; s < SUB / L; s += PARTS) {
                    a0 = weights(blk, j, s, dj, mj).fma(FloatVector.fromArray(S, x, xb + s * L), a0);
                    if (PARTS > 1) {
                        a1 = weights(blk, j, s + 1, dj, mj).fma(FloatVector.fromArray(S, x, xb + (s + 1) * L), a1);
                    }
                    if (PARTS > 2) {
                        a2 = weights(blk, j, s + 2, dj, mj).fma(FloatVector.fromArray(S, x, xb + (s + 2) * L), a2);
                        a3 = weights(blk, j, s + 3, dj, mj).fma(FloatVector.fromArray(S, x, xb + (s + 3) * L), a3);
                    }
                }
            }
        }
        return LaneSum.sum(a0, a1, a2, a3);
    }

    @Override
    public void copyRow(int row, float[] out, int outOffset) {
        long base = row * rowBytes;
        for (int b = 0; b < blocks; b++) {
            long blk = base + (long) b * BLOCK_BYTES;
            int h = header(blk);
            float d = d(h);
            float dmin = dmin(h);
            long lo = scalesLow(blk);
            int hi = scalesHigh(blk);
            for (int j = 0; j < QK / SUB; j++) {
                float dj = d * scale(lo, hi, j);
                float mj = dmin * min(lo, hi, j);
                for (int s = 0; s < SUB / L; s++) {
                    weights(blk, j, s, dj, mj).intoArray(out, outOffset + b * QK + j * SUB + s * L);
                }
            }
        }
    }

    @Override
    public void matmul(float[] x, int nTokens, float[] out, int outStride, int rowStart, int rowEnd) {
        DequantizedKernels.matmul(this, x, nTokens, out, outStride, rowStart, rowEnd);
    }
}
