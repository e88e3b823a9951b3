package io.sparkllama.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * ggml Q4_K weights: super-blocks of 256 values = fp16 {@code d}, fp16 {@code dmin}, 12 bytes of
 * packed 6-bit scales and mins for eight 32-value sub-blocks, and 128 bytes of nibbles (bytes
 * 32c..32c+31 hold sub-block 2c in their low nibbles and 2c+1 in their high ones). Value =
 * {@code d*scale * q - dmin*min}. Unpacked and scaled inside the FMA loop; every kernel
 * accumulates a (row, token) pair in the same order, so dot, matvec and matmul agree bit for bit.
 */
public final class Q4_KMatrix extends WeightMatrix {
    private static final VectorSpecies<Float> S = KernelSpecies.FLOAT;
    private static final VectorSpecies<Byte> B = KernelSpecies.BYTE;
    private static final int L = KernelSpecies.LANES;
    private static final int QK = 256;
    private static final int SUB = 32;
    private static final int BLOCK_BYTES = 144;
    private static final int SCALES = 4;
    private static final int QS = 16;
    private static final ValueLayout.OfShort HALF = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

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

    private float half(long off) {
        return Float.float16ToFloat(data.get(HALF, off));
    }

    private int u8(long off) {
        return data.get(ValueLayout.JAVA_BYTE, off) & 0xFF;
    }

    /** The 6-bit scale of sub-block j (ggml's get_scale_min_k4). */
    private int scale(long block, int j) {
        long s = block + SCALES;
        return j < 4 ? u8(s + j) & 63 : (u8(s + j + 4) & 0x0F) | ((u8(s + j - 4) >> 6) << 4);
    }

    /** The 6-bit min of sub-block j. */
    private int min(long block, int j) {
        long s = block + SCALES;
        return j < 4 ? u8(s + j + 4) & 63 : (u8(s + j + 4) >> 4) | ((u8(s + j) >> 6) << 4);
    }

    /** Lanes {@code [s*L, s*L+L)} of sub-block j, dequantized with its scale dj and offset mj. */
    private FloatVector weights(long block, int j, int s, float dj, float mj) {
        ByteVector packed = ByteVector.fromMemorySegment(B, data, block + QS + (j >> 1) * 32L + (long) s * L, LE);
        ByteVector q = (j & 1) == 0 ? packed.and((byte) 0x0F) : packed.lanewise(VectorOperators.LSHR, 4);
        return ((FloatVector) q.convertShape(VectorOperators.B2F, S, 0)).mul(dj).sub(mj);
    }

    @Override
    public float dot(int row, float[] x, int xOffset) {
        long base = row * rowBytes;
        FloatVector acc = FloatVector.zero(S);
        for (int b = 0; b < blocks; b++) {
            long blk = base + (long) b * BLOCK_BYTES;
            float d = half(blk);
            float dmin = half(blk + 2);
            for (int j = 0; j < QK / SUB; j++) {
                float dj = d * scale(blk, j);
                float mj = dmin * min(blk, j);
                int xb = xOffset + b * QK + j * SUB;
                for (int s = 0; s < SUB / L; s++) {
                    acc = weights(blk, j, s, dj, mj).fma(FloatVector.fromArray(S, x, xb + s * L), acc);
                }
            }
        }
        return LaneSum.sum(acc);
    }

    @Override
    public void copyRow(int row, float[] out, int outOffset) {
        long base = row * rowBytes;
        for (int b = 0; b < blocks; b++) {
            long blk = base + (long) b * BLOCK_BYTES;
            float d = half(blk);
            float dmin = half(blk + 2);
            for (int j = 0; j < QK / SUB; j++) {
                float dj = d * scale(blk, j);
                float mj = dmin * min(blk, j);
                for (int s = 0; s < SUB / L; s++) {
                    weights(blk, j, s, dj, mj).intoArray(out, outOffset + b * QK + j * SUB + s * L);
                }
            }
        }
    }

    @Override
    public void matvec(float[] x, float[] out, int rowStart, int rowEnd) {
        float[] sums = new float[4 * L];
        int r = rowStart;
        for (; r + 4 <= rowEnd; r += 4) {
            dot4(r, x, 0, sums);
            LaneSum.store(sums, 0, 4, out, r);
        }
        for (; r < rowEnd; r++) {
            out[r] = dot(r, x, 0);
        }
    }

    @Override
    public void matmul(float[] x, int nTokens, float[] out, int outStride, int rowStart, int rowEnd) {
        float[] sums = new float[8 * L];
        int r = rowStart;
        for (; r + 4 <= rowEnd; r += 4) {
            int t = 0;
            for (; t + 2 <= nTokens; t += 2) {
                dot4x2(r, x, t * cols, sums);
                LaneSum.store(sums, 0, 4, out, t * outStride + r);
                LaneSum.store(sums, 4, 4, out, (t + 1) * outStride + r);
            }
            for (; t < nTokens; t++) {
                dot4(r, x, t * cols, sums);
                LaneSum.store(sums, 0, 4, out, t * outStride + r);
            }
        }
        for (; r < rowEnd; r++) {
            for (int t = 0; t < nTokens; t++) {
                out[t * outStride + r] = dot(r, x, t * cols);
            }
        }
    }

    /** Rows r..r+3 against one token; the four accumulators go to {@code sums} unsummed (see {@link LaneSum#store}). */
    private void dot4(int r, float[] x, int xOff, float[] sums) {
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = FloatVector.zero(S);
        FloatVector a2 = FloatVector.zero(S);
        FloatVector a3 = FloatVector.zero(S);
        for (int b = 0; b < blocks; b++) {
            long k0 = r * rowBytes + (long) b * BLOCK_BYTES;
            long k1 = k0 + rowBytes;
            long k2 = k1 + rowBytes;
            long k3 = k2 + rowBytes;
            float d0 = half(k0), n0 = half(k0 + 2);
            float d1 = half(k1), n1 = half(k1 + 2);
            float d2 = half(k2), n2 = half(k2 + 2);
            float d3 = half(k3), n3 = half(k3 + 2);
            for (int j = 0; j < QK / SUB; j++) {
                float s0 = d0 * scale(k0, j), m0 = n0 * min(k0, j);
                float s1 = d1 * scale(k1, j), m1 = n1 * min(k1, j);
                float s2 = d2 * scale(k2, j), m2 = n2 * min(k2, j);
                float s3 = d3 * scale(k3, j), m3 = n3 * min(k3, j);
                int xb = xOff + b * QK + j * SUB;
                for (int s = 0; s < SUB / L; s++) {
                    FloatVector v = FloatVector.fromArray(S, x, xb + s * L);
                    a0 = weights(k0, j, s, s0, m0).fma(v, a0);
                    a1 = weights(k1, j, s, s1, m1).fma(v, a1);
                    a2 = weights(k2, j, s, s2, m2).fma(v, a2);
                    a3 = weights(k3, j, s, s3, m3).fma(v, a3);
                }
            }
        }
        a0.intoArray(sums, 0);
        a1.intoArray(sums, L);
        a2.intoArray(sums, 2 * L);
        a3.intoArray(sums, 3 * L);
    }

    /** Rows r..r+3 against two tokens (token 1 accumulators after token 0 ones): each dequantized weight vector is used twice. */
    private void dot4x2(int r, float[] x, int xOff, float[] sums) {
        int xOff2 = xOff + cols;
        FloatVector a0 = FloatVector.zero(S), c0 = FloatVector.zero(S);
        FloatVector a1 = FloatVector.zero(S), c1 = FloatVector.zero(S);
        FloatVector a2 = FloatVector.zero(S), c2 = FloatVector.zero(S);
        FloatVector a3 = FloatVector.zero(S), c3 = FloatVector.zero(S);
        for (int b = 0; b < blocks; b++) {
            long k0 = r * rowBytes + (long) b * BLOCK_BYTES;
            long k1 = k0 + rowBytes;
            long k2 = k1 + rowBytes;
            long k3 = k2 + rowBytes;
            float d0 = half(k0), n0 = half(k0 + 2);
            float d1 = half(k1), n1 = half(k1 + 2);
            float d2 = half(k2), n2 = half(k2 + 2);
            float d3 = half(k3), n3 = half(k3 + 2);
            for (int j = 0; j < QK / SUB; j++) {
                float s0 = d0 * scale(k0, j), m0 = n0 * min(k0, j);
                float s1 = d1 * scale(k1, j), m1 = n1 * min(k1, j);
                float s2 = d2 * scale(k2, j), m2 = n2 * min(k2, j);
                float s3 = d3 * scale(k3, j), m3 = n3 * min(k3, j);
                int xb = xOff + b * QK + j * SUB;
                int ub = xOff2 + b * QK + j * SUB;
                for (int s = 0; s < SUB / L; s++) {
                    FloatVector v = FloatVector.fromArray(S, x, xb + s * L);
                    FloatVector u = FloatVector.fromArray(S, x, ub + s * L);
                    FloatVector w0 = weights(k0, j, s, s0, m0);
                    FloatVector w1 = weights(k1, j, s, s1, m1);
                    FloatVector w2 = weights(k2, j, s, s2, m2);
                    FloatVector w3 = weights(k3, j, s, s3, m3);
                    a0 = w0.fma(v, a0);
                    c0 = w0.fma(u, c0);
                    a1 = w1.fma(v, a1);
                    c1 = w1.fma(u, c1);
                    a2 = w2.fma(v, a2);
                    c2 = w2.fma(u, c2);
                    a3 = w3.fma(v, a3);
                    c3 = w3.fma(u, c3);
                }
            }
        }
        a0.intoArray(sums, 0);
        a1.intoArray(sums, L);
        a2.intoArray(sums, 2 * L);
        a3.intoArray(sums, 3 * L);
        c0.intoArray(sums, 4 * L);
        c1.intoArray(sums, 5 * L);
        c2.intoArray(sums, 6 * L);
        c3.intoArray(sums, 7 * L);
    }
}
