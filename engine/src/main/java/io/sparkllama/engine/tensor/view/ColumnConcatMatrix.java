package io.sparkllama.engine.tensor.view;

import io.sparkllama.engine.tensor.Repacking;
import io.sparkllama.engine.tensor.WeightMatrix;
import io.sparkllama.engine.tensor.WeightType;
/**
 * Equal-width matrices side by side (model-parallel shards split along columns), without copying:
 * a row's dot product is the sum of each shard's partial dot product over its slice of x.
 */
public final class ColumnConcatMatrix extends RowViewMatrix {
    private final WeightMatrix[] parts;
    private final int partCols;

    public ColumnConcatMatrix(WeightMatrix[] parts) {
        super(dataOf(parts[0]), parts[0].rows(), parts[0].cols() * parts.length);
        this.parts = parts.clone();
        this.partCols = parts[0].cols();
        for (WeightMatrix p : parts) {
            if (p.rows() != rows || p.cols() != partCols || p.type() != parts[0].type()) {
                throw new IllegalArgumentException("column shards differ in shape or type");
            }
        }
    }

    @Override
    public WeightType type() {
        return parts[0].type();
    }

    /** Only fp32 shards are repacked (through {@link #copyRow}); the int8 packer reads one stored tensor. */
    @Override
    public Repacking repacking() {
        return parts[0].repacking() == Repacking.F32_PANELS ? Repacking.F32_PANELS : Repacking.NONE;
    }

    @Override
    public float dot(int row, float[] x, int xOffset) {
        float sum = 0;
        for (int p = 0; p < parts.length; p++) {
            sum += parts[p].dot(row, x, xOffset + p * partCols);
        }
        return sum;
    }

    @Override
    public void copyRow(int row, float[] out, int outOffset) {
        for (int p = 0; p < parts.length; p++) {
            parts[p].copyRow(row, out, outOffset + p * partCols);
        }
    }

    @Override
    public long byteSize() {
        long total = 0;
        for (WeightMatrix p : parts) {
            total += p.byteSize();
        }
        return total;
    }
}
