package io.sparkllama.engine.tensor;

import io.sparkllama.engine.settings.ActivationPrecision;
import io.sparkllama.engine.tensor.packed.Int8PanelMatrix;
import io.sparkllama.engine.tensor.packed.PackedF32Matrix;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A read-only row-major matrix of weights in its stored type, usually a view of a mapped file.
 *
 * <p>Each storage type implements its own vectorized kernels, so the forward pass never branches
 * on quantization. Kernels accumulate every output row in one fixed order (a vector accumulator
 * over the row, reduced, plus a scalar tail), so a row's result is the same whichever kernel,
 * batch or thread computes it.
 */
public abstract class WeightMatrix {
    protected final MemorySegment data;
    protected final int rows;
    protected final int cols;

    protected WeightMatrix(MemorySegment data, int rows, int cols) {
        this.data = data;
        this.rows = rows;
        this.cols = cols;
    }

    /** The segment behind {@code m}, for subclasses that view or repack another matrix. */
    protected static MemorySegment dataOf(WeightMatrix m) {
        return m.data;
    }

    public final int rows() {
        return rows;
    }

    public final int cols() {
        return cols;
    }

    public abstract WeightType type();

    /**
     * How the forward pass repacks this matrix at load (see {@link #forForwardPass}): as its stored
     * type says; repacked copies and concatenations say otherwise.
     */
    public Repacking repacking() {
        return type().repacking();
    }

    /**
     * The row of the stored tensor behind this matrix that holds row {@code row}: the row itself,
     * except in views that reorder rows. Repacking reads stored blocks through it.
     */
    public int storedRow(int row) {
        return row;
    }

    /** Dot product of row {@code row} with {@code x[xOffset .. xOffset + cols)}. */
    public abstract float dot(int row, float[] x, int xOffset);

    /** Dequantizes row {@code row} into {@code out[outOffset .. outOffset + cols)}. */
    public abstract void copyRow(int row, float[] out, int outOffset);

    /**
     * {@code out[r] = row r · x} for rows in [rowStart, rowEnd), one row after another. Decode
     * reads every weight from DRAM once, and one sequential stream measured 1.4-2x faster than
     * four rows read side by side (Q8_0, Q4_0, F16 at 16384x2048), though slightly slower when
     * the matrix sits in cache.
     */
    public void matvec(float[] x, float[] out, int rowStart, int rowEnd) {
        for (int r = rowStart; r < rowEnd; r++) {
            out[r] = dot(r, x, 0);
        }
    }

    /**
     * Many tokens times this matrix: {@code out[t * outStride + r] = row r · x[t * cols ..]} for
     * tokens [0, nTokens) and rows [rowStart, rowEnd). Implementations block over rows and tokens
     * so that each weight block is loaded once per group of tokens.
     */
    public void matmul(float[] x, int nTokens, float[] out, int outStride, int rowStart, int rowEnd) {
        for (int t = 0; t < nTokens; t++) {
            int xOff = t * cols;
            int oOff = t * outStride;
            for (int r = rowStart; r < rowEnd; r++) {
                out[oOff + r] = dot(r, x, xOff);
            }
        }
    }

    /** Row ranges given to matvec and matmul by different threads should start at multiples of this. */
    public int rowAlignment() {
        return 4;
    }

    /**
     * This matrix in the layout the forward pass multiplies fastest, as its {@link #repacking()}
     * says: fp32 repacked into panels ({@link PackedF32Matrix}), Q8_0 and Q4_0 into int8 panels
     * under {@link ActivationPrecision#INT8}; other types as they are.
     */
    public final WeightMatrix forForwardPass(ActivationPrecision precision) {
        return forForwardPass(precision, Arena.ofAuto());
    }

    /** As {@link #forForwardPass(ActivationPrecision)}, any repacked copy allocated in {@code arena} (freed when it closes). */
    public final WeightMatrix forForwardPass(ActivationPrecision precision, Arena arena) {
        WeightMatrix copy = switch (repacking()) {
            case F32_PANELS -> PackedF32Matrix.of(this, arena);
            case INT8_PANELS -> precision == ActivationPrecision.INT8 ? Int8PanelMatrix.of(this, arena) : this;
            case NONE -> this;
        };
        if (copy != this && data.isMapped()) {
            // The forward pass reads only the copy now: drop the file pages the repack touched from
            // this process's resident set (madvise DONTNEED), or the weights would count twice. A
            // later read of the view (an embedding row of a tied table) faults its page back in.
            data.unload();
        }
        return copy;
    }

    /** Bytes of weights read by one full pass over the matrix. */
    public long byteSize() {
        return data.byteSize();
    }

    /** True when this matrix is an off-heap copy made at load (a repacked layout), not a view of a mapped file. */
    public boolean isOffHeapCopy() {
        return data.isNative() && !data.isMapped();
    }
}
