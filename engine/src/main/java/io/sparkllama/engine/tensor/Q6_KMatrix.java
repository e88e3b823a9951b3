package io.sparkllama.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * ggml Q6_K weights: super-blocks of 256 values = 128 bytes of low nibbles {@code ql}, 64 bytes of
 * 2-bit high parts {@code qh}, sixteen int8 scales (one per 16 values) and an fp16 {@code d}.
 * Each 128-value half h uses ql[64h..64h+63] and qh[32h..32h+31]: its four 32-value groups take
 * the low nibbles of ql[64h+l], ql[64h+32+l], then their high nibbles, with bits 2g..2g+1 of
 * qh[32h+l]. Value = {@code d*scale * (q - 32)}. Unpacked and scaled inside the FMA loop; every kernel
 * accumulates a (row, token) pair in the same order, so dot, matvec and matmul agree bit for bit.
 */
public final class Q6_KMatrix extends WeightMatrix {
    private static final VectorSpecies<Float> S = KernelSpecies.FLOAT;
    private static final VectorSpecies<Byte> B = KernelSpecies.BYTE;
    private static final int L = KernelSpecies.LANES;
    private static final int QK = 256;
    private static final int SUB = 16;
    private static final int BLOCK_BYTES = 210;
    private static final int QH = 128;
    private static final int SCALES = 192;
    private static final int D = 208;
    private static final ValueLayout.OfShort HALF = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

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
        ByteVector low = ByteVector.fromMemorySegment(B, data, block + 64L * h + 32 * (g & 1) + l, LE);
        low = g < 2 ? low.and((byte) 0x0F) : low.lanewise(VectorOperators.LSHR, 4);
        ByteVector high = ByteVector.fromMemorySegment(B, data, block + QH + 32L * h + l, LE)
                .lanewise(VectorOperators.LSHR, 2 * g).and((byte) 3).lanewise(VectorOperators.LSHL, 4);
        ByteVector q = low.or(high).sub((byte) 32);
        return ((FloatVector) q.convertShape(VectorOperators.B2F, S, 0)).mul(dk);
    }

    @Override
    public float dot(int row, float[] x, int xOffset) {
        long base = row * rowBytes;
        FloatVector acc = FloatVector.zero(S);
        for (int b = 0; b < blocks; b++) {
            long blk = base + (long) b * BLOCK_BYTES;
            float d = half(blk + D);
            for (int j = 0; j < QK / SUB; j++) {
                float dj = scale(blk, j, d);
                int xb = xOffset + b * QK + j * SUB;
                for (int s = 0; s < SUB / L; s++) {
                    acc = weights(blk, j, s, dj).fma(FloatVector.fromArray(S, x, xb + s * L), acc);
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
            float d0 = half(k0 + D);
            float d1 = half(k1 + D);
            float d2 = half(k2 + D);
            float d3 = half(k3 + D);
            for (int j = 0; j < QK / SUB; j++) {
                float s0 = scale(k0, j, d0);
                float s1 = scale(k1, j, d1);
                float s2 = scale(k2, j, d2);
                float s3 = scale(k3, j, d3);
                int xb = xOff + b * QK + j * SUB;
                for (int s = 0; s < SUB / L; s++) {
                    FloatVector v = FloatVector.fromArray(S, x, xb + s * L);
                    a0 = weights(k0, j, s, s0).fma(v, a0);
                    a1 = weights(k1, j, s, s1).fma(v, a1);
                    a2 = weights(k2, j, s, s2).fma(v, a2);
                    a3 = weights(k3, j, s, s3).fma(v, a3);
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
            float d0 = half(k0 + D);
            float d1 = half(k1 + D);
            float d2 = half(k2 + D);
            float d3 = half(k3 + D);
            for (int j = 0; j < QK / SUB; j++) {
                float s0 = scale(k0, j, d0);
                float s1 = scale(k1, j, d1);
                float s2 = scale(k2, j, d2);
                float s3 = scale(k3, j, d3);
                int xb = xOff + b * QK + j * SUB;
                int ub = xOff2 + b * QK + j * SUB;
                for (int s = 0; s < SUB / L; s++) {
                    FloatVector v = FloatVector.fromArray(S, x, xb + s * L);
                    FloatVector u = FloatVector.fromArray(S, x, ub + s * L);
                    FloatVector w0 = weights(k0, j, s, s0);
                    FloatVector w1 = weights(k1, j, s, s1);
                    FloatVector w2 = weights(k2, j, s, s2);
                    FloatVector w3 = weights(k3, j, s, s3);
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
