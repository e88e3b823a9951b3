package io.sparkllama.engine.tensor.packed;

import io.sparkllama.engine.tensor.Repacking;
import io.sparkllama.engine.tensor.WeightMatrix;
import io.sparkllama.engine.tensor.WeightType;
import io.sparkllama.engine.tensor.kernel.KernelScratch;
import io.sparkllama.engine.tensor.kernel.KernelSpecies;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * fp32 weights repacked for the forward pass: panels of 2L rows stored column by column
 * ({@code [panel][k][2L]}), so a vector holds one k of L consecutive rows. Each output lane then
 * accumulates its own row in one FMA chain over k, in order: no lane sums, no tails over k, and
 * the same bits from dot, matvec and matmul whatever the batch. Row-major fp32 kernels spent a
 * quarter of their time reducing lanes at llama2.c widths (dim 288).
 *
 * <p>Built from any fp32 matrix (mapped, permuted or concatenated) at load; the copy lives off
 * heap for as long as the matrix is reachable. Rows are padded with zeros to whole panels.
 */
public final class PackedF32Matrix extends WeightMatrix {
    private static final VectorSpecies<Float> S = KernelSpecies.FLOAT;
    private static final int L = KernelSpecies.LANES;
    /** Rows per panel: two vectors. */
    public static final int PANEL = 2 * L;
    /**
     * Tokens per register block: 2 x 8 = 16 accumulators on AVX-512 (32 registers) and 2 x 4 on
     * AVX2 (16 registers), leaving room for the two weight vectors and the broadcasts.
     */
    private static final int TOKENS = L >= 16 ? 8 : 4;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    private final long panelBytes;

    private PackedF32Matrix(MemorySegment packed, int rows, int cols) {
        super(packed, rows, cols);
        this.panelBytes = (long) cols * PANEL * Float.BYTES;
    }

    /** Packs an fp32 matrix (read through its {@code copyRow}) into memory the garbage collector frees. */
    public static PackedF32Matrix of(WeightMatrix source) {
        return of(source, Arena.ofAuto());
    }

    /** Packs an fp32 matrix into memory of {@code arena} (freed when it closes). */
    public static PackedF32Matrix of(WeightMatrix source, Arena arena) {
        if (source.type() != WeightType.F32) {
            throw new IllegalArgumentException("only fp32 weights are packed, not " + source.type());
        }
        int rows = source.rows();
        int cols = source.cols();
        int panels = (rows + PANEL - 1) / PANEL;
        MemorySegment packed = arena.allocate((long) panels * cols * PANEL * Float.BYTES, 64);
        float[] row = new float[cols];
        float[] panel = new float[cols * PANEL];
        for (int p = 0; p < panels; p++) {
            java.util.Arrays.fill(panel, 0f);
            for (int lane = 0; lane < PANEL && p * PANEL + lane < rows; lane++) {
                source.copyRow(p * PANEL + lane, row, 0);
                for (int k = 0; k < cols; k++) {
                    panel[k * PANEL + lane] = row[k];
                }
            }
            MemorySegment.copy(panel, 0, packed, FLOAT, (long) p * cols * PANEL * Float.BYTES, panel.length);
        }
        return new PackedF32Matrix(packed, rows, cols);
    }

    @Override
    public WeightType type() {
        return WeightType.F32;
    }

    /** Whole panels, so that threads splitting the rows never share one. */
    @Override
    public int rowAlignment() {
        return PANEL;
    }

    @Override
    public float dot(int row, float[] x, int xOffset) {
        long at = (long) (row / PANEL) * panelBytes + (long) (row % PANEL) * Float.BYTES;
        float acc = 0f;
        for (int k = 0; k < cols; k++) {
            acc = Math.fma(data.get(FLOAT, at + (long) k * PANEL * Float.BYTES), x[xOffset + k], acc);
        }
        return acc;
    }

    @Override
    public void copyRow(int row, float[] out, int outOffset) {
        long at = (long) (row / PANEL) * panelBytes + (long) (row % PANEL) * Float.BYTES;
        for (int k = 0; k < cols; k++) {
            out[outOffset + k] = data.get(FLOAT, at + (long) k * PANEL * Float.BYTES);
        }
    }

    @Override
    public void matvec(float[] x, float[] out, int rowStart, int rowEnd) {
        matmul(x, 1, out, rows, rowStart, rowEnd);
    }

    @Override
    public void matmul(float[] x, int nTokens, float[] out, int outStride, int rowStart, int rowEnd) {
        int p = rowStart / PANEL;
        int pEnd = (rowEnd + PANEL - 1) / PANEL;
        if (nTokens == 1) {
            // Four panels at once: eight FMA chains in flight. Decode of synth15M measured ~1.15x
            // two panels' speed, stories260K (in cache) the same.
            for (; p + 4 <= pEnd && isWhole(p, rowStart, rowEnd) && isWhole(p + 3, rowStart, rowEnd); p += 4) {
                panels4x1(p, x, out, p * PANEL);
            }
        }
        // 5 to 7 tokens past the last whole 8-token block run as one block padded with zero tokens
        // (each token has its own chains, so the real ones get the same bits): x4 + x2 + x1 passes,
        // each latency-bound, cost more than one full block.
        int whole = nTokens - nTokens % TOKENS;
        int left = nTokens - whole;
        float[] padded = null;
        if (TOKENS == 8 && left > 4) {
            padded = KernelScratch.ofThread().tokenBlock(cols);
            System.arraycopy(x, whole * cols, padded, 0, left * cols);
            Arrays.fill(padded, left * cols, TOKENS * cols, 0f);
        }
        for (; p < pEnd; p++) {
            if (!isWhole(p, rowStart, rowEnd)) {
                float[] edge = KernelScratch.ofThread().sums;
                for (int t = 0; t < nTokens; t++) {
                    panelx1(p, x, t * cols, edge, 0);
                    int lo = Math.max(rowStart, p * PANEL);
                    int hi = Math.min(rowEnd, p * PANEL + PANEL);
                    System.arraycopy(edge, lo - p * PANEL, out, t * outStride + lo, hi - lo);
                }
                continue;
            }
            int t = 0;
            for (; t + TOKENS <= nTokens; t += TOKENS) {
                if (TOKENS == 8) {
                    panelx8(p, x, t * cols, out, t * outStride + p * PANEL, outStride);
                } else {
                    panelx4(p, x, t * cols, out, t * outStride + p * PANEL, outStride);
                }
            }
            if (padded != null) {
                float[] block = KernelScratch.ofThread().sums;
                panelx8(p, padded, 0, block, 0, PANEL);
                for (int j = 0; j < left; j++) {
                    System.arraycopy(block, j * PANEL, out, (whole + j) * outStride + p * PANEL, PANEL);
                }
                continue;
            }
            // The rest in smaller blocks, not one token at a time: a single-token pass (two
            // latency-bound chains) costs about what a 4-token block does.
            if (TOKENS == 8 && t + 4 <= nTokens) {
                panelx4(p, x, t * cols, out, t * outStride + p * PANEL, outStride);
                t += 4;
            }
            if (t + 2 <= nTokens) {
                panelx2(p, x, t * cols, out, t * outStride + p * PANEL, outStride);
                t += 2;
            }
            if (t < nTokens) {
                panelx1(p, x, t * cols, out, t * outStride + p * PANEL);
            }
        }
    }

    private boolean isWhole(int p, int rowStart, int rowEnd) {
        return p * PANEL >= rowStart && p * PANEL + PANEL <= Math.min(rowEnd, rows);
    }

    /** Panel p against one token: two chains. */
    private void panelx1(int p, float[] x, int xOff, float[] out, int outOff) {
        long base = p * panelBytes;
        FloatVector a = FloatVector.zero(S), b = a;
        for (int k = 0; k < cols; k++) {
            long o = base + (long) k * PANEL * Float.BYTES;
            FloatVector xk = FloatVector.broadcast(S, x[xOff + k]);
            a = xk.fma(FloatVector.fromMemorySegment(S, data, o, NATIVE), a);
            b = xk.fma(FloatVector.fromMemorySegment(S, data, o + L * Float.BYTES, NATIVE), b);
        }
        a.intoArray(out, outOff);
        b.intoArray(out, outOff + L);
    }

    /** Panel p against two tokens: four chains. */
    private void panelx2(int p, float[] x, int xOff, float[] out, int outOff, int outStride) {
        long base = p * panelBytes;
        int x1 = xOff + cols;
        FloatVector a0 = FloatVector.zero(S), b0 = a0, a1 = a0, b1 = a0;
        for (int k = 0; k < cols; k++) {
            long o = base + (long) k * PANEL * Float.BYTES;
            FloatVector w = FloatVector.fromMemorySegment(S, data, o, NATIVE);
            FloatVector v = FloatVector.fromMemorySegment(S, data, o + L * Float.BYTES, NATIVE);
            FloatVector x0v = FloatVector.broadcast(S, x[xOff + k]);
            a0 = x0v.fma(w, a0);
            b0 = x0v.fma(v, b0);
            FloatVector x1v = FloatVector.broadcast(S, x[x1 + k]);
            a1 = x1v.fma(w, a1);
            b1 = x1v.fma(v, b1);
        }
        a0.intoArray(out, outOff);
        b0.intoArray(out, outOff + L);
        a1.intoArray(out, outOff + outStride);
        b1.intoArray(out, outOff + outStride + L);
    }

    /** Panels p .. p + 3 against one token (decode): eight chains, four sequential streams. */
    private void panels4x1(int p, float[] x, float[] out, int outOff) {
        long base = p * panelBytes;
        long base2 = base + panelBytes;
        long base3 = base2 + panelBytes;
        long base4 = base3 + panelBytes;
        FloatVector a = FloatVector.zero(S), b = a, c = a, d = a, e = a, f = a, g = a, h = a;
        for (int k = 0; k < cols; k++) {
            long o = (long) k * PANEL * Float.BYTES;
            FloatVector xk = FloatVector.broadcast(S, x[k]);
            a = xk.fma(FloatVector.fromMemorySegment(S, data, base + o, NATIVE), a);
            b = xk.fma(FloatVector.fromMemorySegment(S, data, base + o + L * Float.BYTES, NATIVE), b);
            c = xk.fma(FloatVector.fromMemorySegment(S, data, base2 + o, NATIVE), c);
            d = xk.fma(FloatVector.fromMemorySegment(S, data, base2 + o + L * Float.BYTES, NATIVE), d);
            e = xk.fma(FloatVector.fromMemorySegment(S, data, base3 + o, NATIVE), e);
            f = xk.fma(FloatVector.fromMemorySegment(S, data, base3 + o + L * Float.BYTES, NATIVE), f);
            g = xk.fma(FloatVector.fromMemorySegment(S, data, base4 + o, NATIVE), g);
            h = xk.fma(FloatVector.fromMemorySegment(S, data, base4 + o + L * Float.BYTES, NATIVE), h);
        }
        a.intoArray(out, outOff);
        b.intoArray(out, outOff + L);
        c.intoArray(out, outOff + 2 * L);
        d.intoArray(out, outOff + 3 * L);
        e.intoArray(out, outOff + 4 * L);
        f.intoArray(out, outOff + 5 * L);
        g.intoArray(out, outOff + 6 * L);
        h.intoArray(out, outOff + 7 * L);
    }

    /** Panel p against four tokens (the AVX2 block): eight chains. */
    private void panelx4(int p, float[] x, int xOff, float[] out, int outOff, int outStride) {
        long base = p * panelBytes;
        int x1 = xOff + cols;
        int x2 = x1 + cols;
        int x3 = x2 + cols;
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        FloatVector b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        for (int k = 0; k < cols; k++) {
            long o = base + (long) k * PANEL * Float.BYTES;
            FloatVector w = FloatVector.fromMemorySegment(S, data, o, NATIVE);
            FloatVector v = FloatVector.fromMemorySegment(S, data, o + L * Float.BYTES, NATIVE);
            FloatVector x0v = FloatVector.broadcast(S, x[xOff + k]);
            a0 = x0v.fma(w, a0);
            b0 = x0v.fma(v, b0);
            FloatVector x1v = FloatVector.broadcast(S, x[x1 + k]);
            a1 = x1v.fma(w, a1);
            b1 = x1v.fma(v, b1);
            FloatVector x2v = FloatVector.broadcast(S, x[x2 + k]);
            a2 = x2v.fma(w, a2);
            b2 = x2v.fma(v, b2);
            FloatVector x3v = FloatVector.broadcast(S, x[x3 + k]);
            a3 = x3v.fma(w, a3);
            b3 = x3v.fma(v, b3);
        }
        a0.intoArray(out, outOff);
        b0.intoArray(out, outOff + L);
        a1.intoArray(out, outOff + outStride);
        b1.intoArray(out, outOff + outStride + L);
        a2.intoArray(out, outOff + 2 * outStride);
        b2.intoArray(out, outOff + 2 * outStride + L);
        a3.intoArray(out, outOff + 3 * outStride);
        b3.intoArray(out, outOff + 3 * outStride + L);
    }

    /** Panel p against eight tokens (the AVX-512 block): sixteen chains, each weight vector used eight times. */
    private void panelx8(int p, float[] x, int xOff, float[] out, int outOff, int outStride) {
        long base = p * panelBytes;
        int x1 = xOff + cols;
        int x2 = x1 + cols;
        int x3 = x2 + cols;
        int x4 = x3 + cols;
        int x5 = x4 + cols;
        int x6 = x5 + cols;
        int x7 = x6 + cols;
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        FloatVector b0 = a0, b1 = a0, b2 = a0, b3 = a0, b4 = a0, b5 = a0, b6 = a0, b7 = a0;
        for (int k = 0; k < cols; k++) {
            long o = base + (long) k * PANEL * Float.BYTES;
            FloatVector w = FloatVector.fromMemorySegment(S, data, o, NATIVE);
            FloatVector v = FloatVector.fromMemorySegment(S, data, o + L * Float.BYTES, NATIVE);
            FloatVector xv = FloatVector.broadcast(S, x[xOff + k]);
            a0 = xv.fma(w, a0);
            b0 = xv.fma(v, b0);
            xv = FloatVector.broadcast(S, x[x1 + k]);
            a1 = xv.fma(w, a1);
            b1 = xv.fma(v, b1);
            xv = FloatVector.broadcast(S, x[x2 + k]);
            a2 = xv.fma(w, a2);
            b2 = xv.fma(v, b2);
            xv = FloatVector.broadcast(S, x[x3 + k]);
            a3 = xv.fma(w, a3);
            b3 = xv.fma(v, b3);
            xv = FloatVector.broadcast(S, x[x4 + k]);
            a4 = xv.fma(w, a4);
            b4 = xv.fma(v, b4);
            xv = FloatVector.broadcast(S, x[x5 + k]);
            a5 = xv.fma(w, a5);
            b5 = xv.fma(v, b5);
            xv = FloatVector.broadcast(S, x[x6 + k]);
            a6 = xv.fma(w, a6);
            b6 = xv.fma(v, b6);
            xv = FloatVector.broadcast(S, x[x7 + k]);
            a7 = xv.fma(w, a7);
            b7 = xv.fma(v, b7);
        }
        a0.intoArray(out, outOff);
        b0.intoArray(out, outOff + L);
        a1.intoArray(out, outOff + outStride);
        b1.intoArray(out, outOff + outStride + L);
        a2.intoArray(out, outOff + 2 * outStride);
        b2.intoArray(out, outOff + 2 * outStride + L);
        a3.intoArray(out, outOff + 3 * outStride);
        b3.intoArray(out, outOff + 3 * outStride + L);
        a4.intoArray(out, outOff + 4 * outStride);
        b4.intoArray(out, outOff + 4 * outStride + L);
        a5.intoArray(out, outOff + 5 * outStride);
        b5.intoArray(out, outOff + 5 * outStride + L);
        a6.intoArray(out, outOff + 6 * outStride);
        b6.intoArray(out, outOff + 6 * outStride + L);
        a7.intoArray(out, outOff + 7 * outStride);
        b7.intoArray(out, outOff + 7 * outStride + L);
    }

    /** Already the repacked copy. */
    @Override
    public Repacking repacking() {
        return Repacking.NONE;
    }
}
