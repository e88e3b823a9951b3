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
 * ggml Q6_K weights: super-blocks of 256 values = 128 bytes of low nibbles {@code ql}, 64 bytes of
 * 2-bit high parts {@code qh}, sixteen int8 scales (one per 16 values) and an fp16 {@code d}.
 * Each 128-value half h uses ql[64h..64h+63] and qh[32h..32h+31]: its four 32-value groups take
 * the low nibbles of ql[64h+l], ql[64h+32+l], then their high nibbles, with bits 2g..2g+1 of
 * qh[32h+l]. Value = {@code d*scale * (q - 32)}. dot unpacks inside its FMA loop; matvec and
 * matmul unpack rows with copyRow into scratch ({@link DequantizedKernels}). Every kernel
 * accumulates a (row, token) pair in the same order, so dot, matvec and matmul agree bit for bit.
 */
public final class Q6_KMatrix extends WeightMatrix {
    private static final VectorSpecies<Float> S = KernelSpecies.FLOAT;
    private static final VectorSpecies<Integer> I = KernelSpecies.INT;
    private static final int L = KernelSpecies.LANES;
    private static final int PARTS = LaneSum.PARTS;
    private static final int QK = 256;
    private static final int SUB = 16;
    private static final int BLOCK_BYTES = 210;
    private static final int QH = 128;
    private static final int SCALES = 192;
    private static final int D = 208;
    private static final ValueLayout.OfShort HALF = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final int blocks;
    private final long rowBytes;

    /** @param cols a multiple of 256 (the loader refuses other tensors) */
    public Q6_KMatrix(MemorySegment data, int rows, int cols) {
        super(data, rows, cols);
        if (cols % QK != 0) {
            throw new IllegalArgumentException("Q6_K rows need a multiple of " + QK + " elements, got " + cols);
        }
        this.blocks = cols / QK;
        this.rowBytes = (long) blocks * BLOCK_BYTES;
    }

    @Override
    public WeightType type() {
        return WeightType.Q6_K;
    }

    private float half(long off) {
        return Float.float16ToFloat(data.get(HALF, off));
    }

    /** d times the int8 scale of 16-value sub-block k. */
    private float scale(long block, int k, float d) {
        return d * data.get(ValueLayout.JAVA_BYTE, block + SCALES + k);
    }

    /** Lanes {@code [s*L, s*L+L)} of 16-value sub-block k, dequantized with its scale dk. */
    private FloatVector weights(long block, int k, int s, float dk) {
        int h = k >> 3;
        int g = (k & 7) >> 1;
        int l = ((k & 1) << 4) + s * L;
        // On int lanes (x86 has no byte-lane shift), and one shift by 0 or 4 rather than a choice
        // of two vectors, which C2 may have to box where they merge.
        IntVector low = widen(block + 64L * h + 32 * (g & 1) + l).lanewise(VectorOperators.ASHR, 4 * (g >> 1)).and(0x0F);
        IntVector high = widen(block + QH + 32L * h + l).lanewise(VectorOperators.ASHR, 2 * g).and(3)
                .lanewise(VectorOperators.LSHL, 4);
        IntVector q = low.or(high).sub(32);
        return ((FloatVector) q.convertShape(VectorOperators.I2F, S, 0)).mul(dk);
    }

    /** L bytes at {@code off}, sign-extended to int lanes. */
    private IntVector widen(long off) {
        return (IntVector) KernelSpecies.bytes(data, off).convertShape(VectorOperators.B2I, I, 0);
    }

    @Override
    public float dot(int row, float[] x, int xOffset) {
        long base = row * rowBytes;
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        for (int b = 0; b < blocks; b++) {
            long blk = base + (long) b * BLOCK_BYTES;
            float d = half(blk + D);
            for (int j = 0; j < QK / SUB; j++) {
                float dj = scale(blk, j, d);
                int xb = xOffset + b * QK + j * SUB;
                for (int s = 0; s < SUB / L; s += PARTS) {
                    a0 = weights(blk, j, s, dj).fma(FloatVector.fromArray(S, x, xb + s * L), a0);
                    if (PARTS > 1) {
                        a1 = weights(blk, j, s + 1, dj).fma(FloatVector.fromArray(S, x, xb + (s + 1) * L), a1);
                    }
                    if (PARTS > 2) {
                        a2 = weights(blk, j, s + 2, dj).fma(FloatVector.fromArray(S, x, xb + (s + 2) * L), a2);
                        a3 = weights(blk, j, s + 3, dj).fma(FloatVector.fromArray(S, x, xb + (s + 3) * L), a3);
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
            float d = half(blk + D);
            for (int j = 0; j < QK / SUB; j++) {
                float dj = scale(blk, j, d);
                for (int s = 0; s < SUB / L; s++) {
                    weights(blk, j, s, dj).intoArray(out, outOffset + b * QK + j * SUB + s * L);
                }
            }
        }
    }

    @Override
    public void matmul(float[] x, int nTokens, float[] out, int outStride, int rowStart, int rowEnd) {
        DequantizedKernels.matmul(this, x, nTokens, out, outStride, rowStart, rowEnd);
    }
}
