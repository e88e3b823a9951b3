package io.sparkllama.engine.tensor.packed;

import io.sparkllama.engine.tensor.Repacking;
import io.sparkllama.engine.tensor.WeightMatrix;
import io.sparkllama.engine.tensor.WeightType;
import io.sparkllama.engine.tensor.kernel.KernelScratch;
import io.sparkllama.engine.tensor.kernel.KernelSpecies;
import io.sparkllama.engine.tensor.kernel.Q8Activations;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Q8_0 or Q4_0 weights repacked for {@link ActivationPrecision#INT8}: panels of 2L rows, each
 * block of a panel stored as its 2L row scales (fp16, as in the file: decode streams no more bytes
 * than llama.cpp does), then the block's stored bytes byte by byte with one lane per row
 * ({@code [panel][block]{scales[2L], bytes[j][2L]}}).
 *
 * <p>Every (row, token) pair sums each block's integer products exactly and then takes one fp32
 * step per block, blocks in order: {@code acc = fma(d_w * d_x, (float) sum_j w_j q_j, acc)}.
 * Decode sums in 16-bit lanes, the register blocks of matmul in integer-valued floats (exact below
 * 2^24), so dot, matvec and matmul give the same bits whatever the batch.
 */
public abstract sealed class Int8PanelMatrix extends WeightMatrix permits Q8_0PanelMatrix, Q4_0PanelMatrix {
    static final VectorSpecies<Float> S = KernelSpecies.FLOAT;
    static final int L = KernelSpecies.LANES;
    /** Rows per panel: one short vector, two float vectors. */
    static final int PANEL = 2 * L;
    static final VectorSpecies<Short> SHORTS = VectorSpecies.of(short.class, S.vectorShape());
    static final VectorSpecies<Byte> BYTES = VectorSpecies.of(byte.class, VectorShape.forBitSize(PANEL * 8));
    static final VectorSpecies<Integer> INTS = VectorSpecies.of(int.class, S.vectorShape());
    /** L shorts: one float vector's worth of fp16 scales. */
    private static final VectorSpecies<Short> SCALE_SHORTS = VectorSpecies.of(short.class, VectorShape.forBitSize(L * 16));
    static final int QK = Q8Activations.QK;
    static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final ValueLayout.OfShort HALF = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final WeightType stored;
    final int blocks;
    final long blockBytes;

    Int8PanelMatrix(MemorySegment packed, int rows, int cols, WeightType stored) {
        super(packed, rows, cols);
        this.stored = stored;
        this.blocks = cols / QK;
        this.blockBytes = panelBlockBytes(stored);
    }

    @Override
    public final WeightType type() {
        return stored;
    }

    /** Bytes of one stored block after its fp16 scale: 32 for Q8_0, 16 for Q4_0. */
    private static int valueBytes(WeightType stored) {
        return stored.blockBytes - Short.BYTES;
    }

    /** Bytes of one block of a panel: PANEL fp16 scales, then PANEL rows of stored bytes. */
    private static long panelBlockBytes(WeightType stored) {
        return (long) PANEL * stored.blockBytes;
    }

    /** Already the repacked copy. */
    @Override
    public final Repacking repacking() {
        return Repacking.NONE;
    }

    /** Repacks a Q8_0 or Q4_0 matrix in ggml's layout, possibly with reordered rows ({@link Repacking#INT8_PANELS}). */
    public static Int8PanelMatrix of(WeightMatrix source) {
        return of(source, Arena.ofAuto());
    }

    /** As {@link #of(WeightMatrix)}, the panels allocated in {@code arena} (freed when it closes). */
    public static Int8PanelMatrix of(WeightMatrix source, Arena arena) {
        MemorySegment packed = pack(source, arena);
        return source.type() == WeightType.Q8_0
                ? new Q8_0PanelMatrix(packed, source.rows(), source.cols())
                : new Q4_0PanelMatrix(packed, source.rows(), source.cols());
    }

    private static MemorySegment pack(WeightMatrix source, Arena arena) {
        int rows = source.rows();
        int blocks = source.cols() / QK;
        long storedBlock = source.type().blockBytes;
        int valueBytes = valueBytes(source.type());
        long blockBytes = panelBlockBytes(source.type());
        int panels = (rows + PANEL - 1) / PANEL;
        MemorySegment out = arena.allocate(panels * blocks * blockBytes, 64);
        for (int r = 0; r < rows; r++) {
            long from = (long) source.storedRow(r) * blocks * storedBlock;
            int lane = r % PANEL;
            long panel = (long) (r / PANEL) * blocks * blockBytes;
            for (int b = 0; b < blocks; b++) {
                long src = from + b * storedBlock;
                long dst = panel + b * blockBytes;
                out.set(HALF, dst + (long) lane * Short.BYTES, dataOf(source).get(HALF, src));
                for (int j = 0; j < valueBytes; j++) {
                    out.set(ValueLayout.JAVA_BYTE, dst + (long) PANEL * Short.BYTES + (long) j * PANEL + lane,
                            dataOf(source).get(ValueLayout.JAVA_BYTE, src + Short.BYTES + j));
                }
            }
        }
        return out;
    }

    /** Value j (0..31) of block b of row {@code row}, as a signed integer. */
    abstract int value(int row, int b, int j);

    /** Block b of panel p as integer-valued floats, {@code [j][PANEL]}. */
    abstract void unpack(int p, int b, float[] w);

    /** Panel p against one quantized token: its PANEL results to {@code out[outOff ..]}. */
    abstract void panelDot(int p, Q8Activations a, float[] out, int outOff);

    final long blockAt(int p, int b) {
        return ((long) p * blocks + b) * blockBytes;
    }

    /** Offset of the first stored byte of block b of panel p (after its scales). */
    final long valuesAt(int p, int b) {
        return blockAt(p, b) + (long) PANEL * Short.BYTES;
    }

    final float rowScale(int row, int b) {
        return Float.float16ToFloat(data.get(HALF, blockAt(row / PANEL, b) + (long) (row % PANEL) * Short.BYTES));
    }

    /**
     * Row scales {@code [part * L, part * L + L)} of the panel block at {@code block}, each 2^-112
     * times its value: the fp16 bits shifted into fp32 position (sign kept, exponent not rebiased),
     * which is exact for every finite fp16, subnormals and zero included, and costs three integer
     * ops per vector. Times {@link Q8Activations#scale2p112} the product is d_w * d_x, exactly
     * rounded, so the bits equal those of the scalar {@code rowScale(r, b) * scale[b]}.
     */
    final FloatVector rowScales(long block, int part) {
        IntVector h = (IntVector) ShortVector.fromMemorySegment(SCALE_SHORTS, data, block + (long) part * L * Short.BYTES, NATIVE)
                .convertShape(VectorOperators.S2I, INTS, 0);
        return h.lanewise(VectorOperators.LSHL, 13).and(0x8FFF_FFFF).reinterpretAsFloats();
    }

    /** Whole panels, so that threads splitting the rows never share one. */
    @Override
    public final int rowAlignment() {
        return PANEL;
    }

    @Override
    public final float dot(int row, float[] x, int xOffset) {
        Q8Activations a = KernelScratch.ofThread().activations;
        a.quantize(x, xOffset, 1, cols, false);
        float acc = 0f;
        for (int b = 0; b < blocks; b++) {
            int sum = 0;
            for (int j = 0; j < QK; j++) {
                sum += value(row, b, j) * a.q[b * QK + j];
            }
            acc = Math.fma(rowScale(row, b) * a.scale[b], (float) sum, acc);
        }
        return acc;
    }

    @Override
    public final void copyRow(int row, float[] out, int outOffset) {
        for (int b = 0; b < blocks; b++) {
            float d = rowScale(row, b);
            for (int j = 0; j < QK; j++) {
                out[outOffset + b * QK + j] = d * value(row, b, j);
            }
        }
    }

    @Override
    public final void matvec(float[] x, float[] out, int rowStart, int rowEnd) {
        KernelScratch scratch = KernelScratch.ofThread();
        Q8Activations a = scratch.activations;
        a.quantize(x, 0, 1, cols, false);
        for (int p = rowStart / PANEL; p * PANEL < rowEnd; p++) {
            int lo = Math.max(rowStart, p * PANEL);
            int hi = Math.min(rowEnd, p * PANEL + PANEL);
            if (hi - lo == PANEL) {
                panelDot(p, a, out, lo);
            } else {
                panelDot(p, a, scratch.sums, 0);
                System.arraycopy(scratch.sums, lo - p * PANEL, out, lo, hi - lo);
            }
        }
    }

    /**
     * Per panel, per block: the block unpacked once to floats, then 2L rows x 8 tokens (AVX-512) or
     * 4 tokens of exact integer-valued FMA chains, each flushed into its token's accumulators with
     * one scale step.
     */
    @Override
    public final void matmul(float[] x, int nTokens, float[] out, int outStride, int rowStart, int rowEnd) {
        KernelScratch scratch = KernelScratch.ofThread();
        Q8Activations a = scratch.activations;
        a.quantize(x, 0, nTokens, cols, true);
        float[] w = scratch.panelBlock;
        float[] acc = scratch.accumulators(nTokens * PANEL);
        for (int p = rowStart / PANEL; p * PANEL < rowEnd; p++) {
            Arrays.fill(acc, 0, nTokens * PANEL, 0f);
            for (int b = 0; b < blocks; b++) {
                unpack(p, b, w);
                long scales = blockAt(p, b);
                int t = 0;
                if (L >= 16) {
                    for (; t + 8 <= nTokens; t += 8) {
                        block4x2(w, a, t, b, scales, acc);
                    }
                }
                for (; t + 4 <= nTokens; t += 4) {
                    block4(w, a, t, b, scales, acc);
                }
                for (; t < nTokens; t++) {
                    block1(w, a, t, b, scales, acc);
                }
            }
            int lo = Math.max(rowStart, p * PANEL);
            int hi = Math.min(rowEnd, p * PANEL + PANEL);
            for (int t = 0; t < nTokens; t++) {
                System.arraycopy(acc, t * PANEL + lo - p * PANEL, out, t * outStride + lo, hi - lo);
            }
        }
    }

    /** One token's block: two exact chains over j, then the scale step. */
    private void block1(float[] w, Q8Activations a, int t, int b, long scales, float[] acc) {
        int x = (t * blocks + b) * QK;
        FloatVector s0 = FloatVector.zero(S), s1 = s0;
        for (int j = 0; j < QK; j++) {
            FloatVector xv = FloatVector.broadcast(S, a.qf[x + j]);
            s0 = xv.fma(FloatVector.fromArray(S, w, j * PANEL), s0);
            s1 = xv.fma(FloatVector.fromArray(S, w, j * PANEL + L), s1);
        }
        float[] sums = KernelScratch.ofThread().sums;
        s0.intoArray(sums, 0);
        s1.intoArray(sums, L);
        flush(a, t, 1, b, scales, sums, acc);
    }

    /**
     * The scale step of block b for tokens [t, t + n): {@code acc = fma(d_w * d_x, sum, acc)} per
     * token, the block sums read from {@code sums} (two vectors per token). Through memory, so that
     * no vector crosses a call.
     */
    private void flush(Q8Activations a, int t, int n, int b, long scales, float[] sums, float[] acc) {
        FloatVector dw0 = rowScales(scales, 0);
        FloatVector dw1 = rowScales(scales, 1);
        for (int i = 0; i < n; i++) {
            float d = a.scale2p112[(t + i) * blocks + b];
            int o = (t + i) * PANEL;
            dw0.mul(d).fma(FloatVector.fromArray(S, sums, 2 * i * L), FloatVector.fromArray(S, acc, o)).intoArray(acc, o);
            dw1.mul(d).fma(FloatVector.fromArray(S, sums, (2 * i + 1) * L), FloatVector.fromArray(S, acc, o + L)).intoArray(acc, o + L);
        }
    }

    /** Eight tokens' blocks (32 registers): sixteen exact chains sharing each weight load, then eight scale steps. */
    private void block4x2(float[] w, Q8Activations a, int t, int b, long scales, float[] acc) {
        int x0 = (t * blocks + b) * QK;
        int x1 = x0 + cols;
        int x2 = x1 + cols;
        int x3 = x2 + cols;
        int x4 = x3 + cols;
        int x5 = x4 + cols;
        int x6 = x5 + cols;
        int x7 = x6 + cols;
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        FloatVector b0 = a0, b1 = a0, b2 = a0, b3 = a0, b4 = a0, b5 = a0, b6 = a0, b7 = a0;
        for (int j = 0; j < QK; j++) {
            FloatVector u = FloatVector.fromArray(S, w, j * PANEL);
            FloatVector v = FloatVector.fromArray(S, w, j * PANEL + L);
            FloatVector xv = FloatVector.broadcast(S, a.qf[x0 + j]);
            a0 = xv.fma(u, a0);
            b0 = xv.fma(v, b0);
            xv = FloatVector.broadcast(S, a.qf[x1 + j]);
            a1 = xv.fma(u, a1);
            b1 = xv.fma(v, b1);
            xv = FloatVector.broadcast(S, a.qf[x2 + j]);
            a2 = xv.fma(u, a2);
            b2 = xv.fma(v, b2);
            xv = FloatVector.broadcast(S, a.qf[x3 + j]);
            a3 = xv.fma(u, a3);
            b3 = xv.fma(v, b3);
            xv = FloatVector.broadcast(S, a.qf[x4 + j]);
            a4 = xv.fma(u, a4);
            b4 = xv.fma(v, b4);
            xv = FloatVector.broadcast(S, a.qf[x5 + j]);
            a5 = xv.fma(u, a5);
            b5 = xv.fma(v, b5);
            xv = FloatVector.broadcast(S, a.qf[x6 + j]);
            a6 = xv.fma(u, a6);
            b6 = xv.fma(v, b6);
            xv = FloatVector.broadcast(S, a.qf[x7 + j]);
            a7 = xv.fma(u, a7);
            b7 = xv.fma(v, b7);
        }
        float[] sums = KernelScratch.ofThread().sums;
        a0.intoArray(sums, 0);
        b0.intoArray(sums, L);
        a1.intoArray(sums, 2 * L);
        b1.intoArray(sums, 3 * L);
        a2.intoArray(sums, 4 * L);
        b2.intoArray(sums, 5 * L);
        a3.intoArray(sums, 6 * L);
        b3.intoArray(sums, 7 * L);
        a4.intoArray(sums, 8 * L);
        b4.intoArray(sums, 9 * L);
        a5.intoArray(sums, 10 * L);
        b5.intoArray(sums, 11 * L);
        a6.intoArray(sums, 12 * L);
        b6.intoArray(sums, 13 * L);
        a7.intoArray(sums, 14 * L);
        b7.intoArray(sums, 15 * L);
        flush(a, t, 8, b, scales, sums, acc);
    }

    /** Four tokens' blocks: eight exact chains sharing each weight load, then four scale steps. */
    private void block4(float[] w, Q8Activations a, int t, int b, long scales, float[] acc) {
        int x0 = (t * blocks + b) * QK;
        int x1 = x0 + cols;
        int x2 = x1 + cols;
        int x3 = x2 + cols;
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        FloatVector b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        for (int j = 0; j < QK; j++) {
            FloatVector u = FloatVector.fromArray(S, w, j * PANEL);
            FloatVector v = FloatVector.fromArray(S, w, j * PANEL + L);
            FloatVector xv = FloatVector.broadcast(S, a.qf[x0 + j]);
            a0 = xv.fma(u, a0);
            b0 = xv.fma(v, b0);
            xv = FloatVector.broadcast(S, a.qf[x1 + j]);
            a1 = xv.fma(u, a1);
            b1 = xv.fma(v, b1);
            xv = FloatVector.broadcast(S, a.qf[x2 + j]);
            a2 = xv.fma(u, a2);
            b2 = xv.fma(v, b2);
            xv = FloatVector.broadcast(S, a.qf[x3 + j]);
            a3 = xv.fma(u, a3);
            b3 = xv.fma(v, b3);
        }
        float[] sums = KernelScratch.ofThread().sums;
        a0.intoArray(sums, 0);
        b0.intoArray(sums, L);
        a1.intoArray(sums, 2 * L);
        b1.intoArray(sums, 3 * L);
        a2.intoArray(sums, 4 * L);
        b2.intoArray(sums, 5 * L);
        a3.intoArray(sums, 6 * L);
        b3.intoArray(sums, 7 * L);
        flush(a, t, 4, b, scales, sums, acc);
    }
}
