package io.sparkllama.engine.tensor.view;

import io.sparkllama.engine.tensor.Repacking;
import io.sparkllama.engine.tensor.WeightMatrix;
import io.sparkllama.engine.tensor.WeightType;
/** Equal-height matrices stacked vertically (model-parallel shards split along rows), without copying. */
public final class RowConcatMatrix extends RowViewMatrix {
    private final WeightMatrix[] parts;
    private final int partRows;

    public RowConcatMatrix(WeightMatrix[] parts) {
        super(dataOf(parts[0]), parts[0].rows() * parts.length, parts[0].cols());
        this.parts = parts.clone();
        this.partRows = parts[0].rows();
        for (WeightMatrix p : parts) {
            if (p.rows() != partRows || p.cols() != cols || p.type() != parts[0].type()) {
                throw new IllegalArgumentException("row shards differ in shape or type");
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
        return parts[row / partRows].dot(row % partRows, x, xOffset);
    }

    @Override
    public void copyRow(int row, float[] out, int outOffset) {
        parts[row / partRows].copyRow(row % partRows, out, outOffset);
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
