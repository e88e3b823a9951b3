package io.sparkllama.engine.tensor.view;

import io.sparkllama.engine.tensor.WeightMatrix;
import io.sparkllama.engine.tensor.WeightType;
/**
 * A view of another matrix whose row {@code r} is the underlying row {@code order[r]}: turns
 * Hugging Face's rotate-half q/k layout back into Meta's interleaved pairs without copying weights.
 */
public final class RowPermutedMatrix extends RowViewMatrix {
    private final WeightMatrix base;
    private final int[] order;

    public RowPermutedMatrix(WeightMatrix base, int[] order) {
        super(dataOf(base), base.rows(), base.cols());
        if (order.length != base.rows()) {
            throw new IllegalArgumentException("row order has " + order.length + " entries for " + base.rows() + " rows");
        }
        this.base = base;
        this.order = order.clone();
    }

    /**
     * The order that undoes HF's per-head permutation: Meta row {@code 2i} of a head is HF row
     * {@code i} and Meta row {@code 2i+1} is HF row {@code i + headSize/2}.
     */
    public static int[] unpermuteRotateHalf(int rows, int headSize) {
        int[] order = new int[rows];
        int half = headSize / 2;
        for (int r = 0; r < rows; r++) {
            int head = r / headSize;
            int i = r % headSize;
            order[r] = head * headSize + (i % 2 == 0 ? i / 2 : half + i / 2);
        }
        return order;
    }

    /** The stored row behind base row {@code order[row]}. */
    @Override
    public int storedRow(int row) {
        return base.storedRow(order[row]);
    }

    @Override
    public WeightType type() {
        return base.type();
    }

    @Override
    public float dot(int row, float[] x, int xOffset) {
        return base.dot(order[row], x, xOffset);
    }

    @Override
    public void copyRow(int row, float[] out, int outOffset) {
        base.copyRow(order[row], out, outOffset);
    }
}
