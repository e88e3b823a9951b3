package io.sparkllama.engine.tensor.view;

import io.sparkllama.engine.tensor.WeightMatrix;
import java.lang.foreign.MemorySegment;

/**
 * Base of views (reordered or concatenated rows) whose products go through another matrix's
 * {@link #dot}: many-token products run row by row, so each weight row is read from memory once
 * and reused from cache for every token, rather than the whole matrix once per token.
 */
public abstract class RowViewMatrix extends WeightMatrix {
    protected RowViewMatrix(MemorySegment data, int rows, int cols) {
        super(data, rows, cols);
    }

    @Override
    public void matmul(float[] x, int nTokens, float[] out, int outStride, int rowStart, int rowEnd) {
        for (int r = rowStart; r < rowEnd; r++) {
            for (int t = 0; t < nTokens; t++) {
                out[t * outStride + r] = dot(r, x, t * cols);
            }
        }
    }
}
