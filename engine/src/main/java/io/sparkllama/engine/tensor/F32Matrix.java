package io.sparkllama.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** Little-endian fp32 weights; the kernels stream rows straight from the mapped segment. */
public final class F32Matrix extends WeightMatrix {
    private static final VectorSpecies<Float> S = KernelSpecies.FLOAT;
    private static final int L = KernelSpecies.LANES;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private final int vecBound;

    public F32Matrix(MemorySegment data, int rows, int cols) {
        super(data, rows, cols);
        this.vecBound = S.loopBound(cols);
    }

    @Override
    public WeightType type() {
        return WeightType.F32;
    }

    @Override
    public float dot(int row, float[] x, int xOffset) {
        long base = (long) row * cols * Float.BYTES;
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (; i < vecBound; i += L) {
            FloatVector w = FloatVector.fromMemorySegment(S, data, base + (long) i * Float.BYTES, LE);
            acc = w.fma(FloatVector.fromArray(S, x, xOffset + i), acc);
        }
        float sum = LaneSum.sum(acc);
        for (; i < cols; i++) {
            sum += data.get(FLOAT, base + (long) i * Float.BYTES) * x[xOffset + i];
        }
        return sum;
    }

    @Override
    public void copyRow(int row, float[] out, int outOffset) {
        MemorySegment.copy(data, FLOAT, (long) row * cols * Float.BYTES, out, outOffset, cols);
    }

    @Override
    public void matvec(float[] x, float[] out, int rowStart, int rowEnd) {
        matvec1(x, out, rowStart, rowEnd);
    }

    /**
     * Tokens per register block: 4 rows x (L / 4) tokens makes L accumulators, 16 on AVX-512 and
     * 8 on AVX2, which fit the register file with room for the loads, and which
     * {@link LaneSum#sumEach} reduces in one pass. Other widths take one token at a time.
     */
    private static final int TOKEN_GROUP = L == 16 ? 4 : L == 8 ? 2 : Integer.MAX_VALUE;

    @Override
    public void matmul(float[] x, int nTokens, float[] out, int outStride, int rowStart, int rowEnd) {
        if (nTokens == 1) {
            matvec1(x, out, rowStart, rowEnd);
            return;
        }
        int r = rowStart;
        float[] acc = new float[L * L];
        float[] sums = new float[L];
        // Row blocks outermost: the 4 rows (a few KiB) stay in L1 while every token streams past.
        for (; r + 4 <= rowEnd; r += 4) {
            int t = 0;
            for (; t + TOKEN_GROUP <= nTokens; t += TOKEN_GROUP) {
                if (TOKEN_GROUP == 4) {
                    dot4x4(r, x, t * cols, acc);
                } else {
                    dot4x2(r, x, t * cols, acc);
                }
                LaneSum.sumEach(acc, sums);
                if (vecBound < cols) {
                    addTails(r, x, t, sums);
                }
                for (int k = 0; k < TOKEN_GROUP; k++) {
                    System.arraycopy(sums, 4 * k, out, (t + k) * outStride + r, 4);
                }
            }
            for (; t < nTokens; t++) {
                dot4(r, x, t * cols, out, t * outStride);
            }
        }
        for (; r < rowEnd; r++) {
            for (int t = 0; t < nTokens; t++) {
                out[t * outStride + r] = dot(r, x, t * cols);
            }
        }
    }

    /** Adds each row's scalar tail to the lane sums of a block ({@code sums[4 * token + row]}), in the order every kernel uses. */
    private void addTails(int r, float[] x, int t, float[] sums) {
        for (int k = 0; k < TOKEN_GROUP; k++) {
            int xOff = (t + k) * cols;
            for (int row = 0; row < 4; row++) {
                long base = (long) (r + row) * cols * Float.BYTES;
                float s = sums[4 * k + row];
                for (int i = vecBound; i < cols; i++) {
                    s += data.get(FLOAT, base + (long) i * Float.BYTES) * x[xOff + i];
                }
                sums[4 * k + row] = s;
            }
        }
    }

    /**
     * One token: rows one after another, each read front to back. Decode streams every weight
     * from DRAM once, and a single sequential stream keeps the hardware prefetchers ahead; reading
     * four rows interleaved (as the multi-token kernels do) measured 2x slower from DRAM here.
     * Consecutive rows are independent, so out-of-order execution still overlaps their chains.
     */
    private void matvec1(float[] x, float[] out, int rowStart, int rowEnd) {
        for (int r = rowStart; r < rowEnd; r++) {
            out[r] = dot(r, x, 0);
        }
    }

    /**
     * Four rows against four tokens: 16 accumulators, each weight and x vector loaded once. The one
     * of token k and row j is stored unsummed to {@code acc[SLOT[4k + j] * L ..]}, for
     * {@link LaneSum#sumEach}: summing them here made the method too large for C2 to keep the
     * vectors in registers (they were boxed, 5x slower).
     */
    private void dot4x4(int r, float[] x, int xOff, float[] acc) {
        long rowBytes = (long) cols * Float.BYTES;
        long b0 = r * rowBytes;
        long b1 = b0 + rowBytes;
        long b2 = b1 + rowBytes;
        long b3 = b2 + rowBytes;
        int x1 = xOff + cols;
        int x2 = x1 + cols;
        int x3 = x2 + cols;
        FloatVector a00 = FloatVector.zero(S), a01 = a00, a02 = a00, a03 = a00;
        FloatVector a10 = a00, a11 = a00, a12 = a00, a13 = a00;
        FloatVector a20 = a00, a21 = a00, a22 = a00, a23 = a00;
        FloatVector a30 = a00, a31 = a00, a32 = a00, a33 = a00;
        for (int i = 0; i < vecBound; i += L) {
            long o = (long) i * Float.BYTES;
            FloatVector v0 = FloatVector.fromArray(S, x, xOff + i);
            FloatVector v1 = FloatVector.fromArray(S, x, x1 + i);
            FloatVector v2 = FloatVector.fromArray(S, x, x2 + i);
            FloatVector v3 = FloatVector.fromArray(S, x, x3 + i);
            FloatVector w = FloatVector.fromMemorySegment(S, data, b0 + o, LE);
            a00 = w.fma(v0, a00);
            a01 = w.fma(v1, a01);
            a02 = w.fma(v2, a02);
            a03 = w.fma(v3, a03);
            w = FloatVector.fromMemorySegment(S, data, b1 + o, LE);
            a10 = w.fma(v0, a10);
            a11 = w.fma(v1, a11);
            a12 = w.fma(v2, a12);
            a13 = w.fma(v3, a13);
            w = FloatVector.fromMemorySegment(S, data, b2 + o, LE);
            a20 = w.fma(v0, a20);
            a21 = w.fma(v1, a21);
            a22 = w.fma(v2, a22);
            a23 = w.fma(v3, a23);
            w = FloatVector.fromMemorySegment(S, data, b3 + o, LE);
            a30 = w.fma(v0, a30);
            a31 = w.fma(v1, a31);
            a32 = w.fma(v2, a32);
            a33 = w.fma(v3, a33);
        }
        a00.intoArray(acc, LaneSum.SLOT[0] * L);
        a10.intoArray(acc, LaneSum.SLOT[1] * L);
        a20.intoArray(acc, LaneSum.SLOT[2] * L);
        a30.intoArray(acc, LaneSum.SLOT[3] * L);
        a01.intoArray(acc, LaneSum.SLOT[4] * L);
        a11.intoArray(acc, LaneSum.SLOT[5] * L);
        a21.intoArray(acc, LaneSum.SLOT[6] * L);
        a31.intoArray(acc, LaneSum.SLOT[7] * L);
        a02.intoArray(acc, LaneSum.SLOT[8] * L);
        a12.intoArray(acc, LaneSum.SLOT[9] * L);
        a22.intoArray(acc, LaneSum.SLOT[10] * L);
        a32.intoArray(acc, LaneSum.SLOT[11] * L);
        a03.intoArray(acc, LaneSum.SLOT[12] * L);
        a13.intoArray(acc, LaneSum.SLOT[13] * L);
        a23.intoArray(acc, LaneSum.SLOT[14] * L);
        a33.intoArray(acc, LaneSum.SLOT[15] * L);
    }

    /** Four rows against one token: four independent accumulation chains, one x load each step. */
    private void dot4(int r, float[] x, int xOff, float[] out, int outOff) {
        long rowBytes = (long) cols * Float.BYTES;
        long b0 = r * rowBytes;
        long b1 = b0 + rowBytes;
        long b2 = b1 + rowBytes;
        long b3 = b2 + rowBytes;
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = FloatVector.zero(S);
        FloatVector a2 = FloatVector.zero(S);
        FloatVector a3 = FloatVector.zero(S);
        int i = 0;
        for (; i < vecBound; i += L) {
            long o = (long) i * Float.BYTES;
            FloatVector v = FloatVector.fromArray(S, x, xOff + i);
            a0 = FloatVector.fromMemorySegment(S, data, b0 + o, LE).fma(v, a0);
            a1 = FloatVector.fromMemorySegment(S, data, b1 + o, LE).fma(v, a1);
            a2 = FloatVector.fromMemorySegment(S, data, b2 + o, LE).fma(v, a2);
            a3 = FloatVector.fromMemorySegment(S, data, b3 + o, LE).fma(v, a3);
        }
        float s0 = LaneSum.sum(a0);
        float s1 = LaneSum.sum(a1);
        float s2 = LaneSum.sum(a2);
        float s3 = LaneSum.sum(a3);
        for (; i < cols; i++) {
            long o = (long) i * Float.BYTES;
            float xi = x[xOff + i];
            s0 += data.get(FLOAT, b0 + o) * xi;
            s1 += data.get(FLOAT, b1 + o) * xi;
            s2 += data.get(FLOAT, b2 + o) * xi;
            s3 += data.get(FLOAT, b3 + o) * xi;
        }
        out[outOff + r] = s0;
        out[outOff + r + 1] = s1;
        out[outOff + r + 2] = s2;
        out[outOff + r + 3] = s3;
    }

    /** Four rows against two tokens, the AVX2 block: 8 accumulators, stored unsummed as in {@link #dot4x4}. */
    private void dot4x2(int r, float[] x, int xOff, float[] acc) {
        long rowBytes = (long) cols * Float.BYTES;
        long b0 = r * rowBytes;
        long b1 = b0 + rowBytes;
        long b2 = b1 + rowBytes;
        long b3 = b2 + rowBytes;
        int xOff2 = xOff + cols;
        FloatVector a0 = FloatVector.zero(S), c0 = FloatVector.zero(S);
        FloatVector a1 = FloatVector.zero(S), c1 = FloatVector.zero(S);
        FloatVector a2 = FloatVector.zero(S), c2 = FloatVector.zero(S);
        FloatVector a3 = FloatVector.zero(S), c3 = FloatVector.zero(S);
        for (int i = 0; i < vecBound; i += L) {
            long o = (long) i * Float.BYTES;
            FloatVector v = FloatVector.fromArray(S, x, xOff + i);
            FloatVector u = FloatVector.fromArray(S, x, xOff2 + i);
            FloatVector w0 = FloatVector.fromMemorySegment(S, data, b0 + o, LE);
            FloatVector w1 = FloatVector.fromMemorySegment(S, data, b1 + o, LE);
            FloatVector w2 = FloatVector.fromMemorySegment(S, data, b2 + o, LE);
            FloatVector w3 = FloatVector.fromMemorySegment(S, data, b3 + o, LE);
            a0 = w0.fma(v, a0);
            c0 = w0.fma(u, c0);
            a1 = w1.fma(v, a1);
            c1 = w1.fma(u, c1);
            a2 = w2.fma(v, a2);
            c2 = w2.fma(u, c2);
            a3 = w3.fma(v, a3);
            c3 = w3.fma(u, c3);
        }
        a0.intoArray(acc, LaneSum.SLOT[0] * L);
        a1.intoArray(acc, LaneSum.SLOT[1] * L);
        a2.intoArray(acc, LaneSum.SLOT[2] * L);
        a3.intoArray(acc, LaneSum.SLOT[3] * L);
        c0.intoArray(acc, LaneSum.SLOT[4] * L);
        c1.intoArray(acc, LaneSum.SLOT[5] * L);
        c2.intoArray(acc, LaneSum.SLOT[6] * L);
        c3.intoArray(acc, LaneSum.SLOT[7] * L);
    }
}
