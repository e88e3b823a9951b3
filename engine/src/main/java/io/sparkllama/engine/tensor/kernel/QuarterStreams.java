package io.sparkllama.engine.tensor.kernel;

import io.sparkllama.engine.tensor.WeightMatrix;
/**
 * Decode matvec for row-major block-quantized weights: four rows a quarter of the range apart,
 * each read front to back. That gives four independent FMA chains, each a sequential stream in
 * pages of its own. Four neighbouring rows streamed from DRAM at half the speed (the prefetcher
 * loses streams that share pages), and one row at a time is bound by its one chain's FMA
 * latency: Q8_0 at 16384x2048 from DRAM, 1 thread, measured 21 (one row) and 28 GFLOP/s (this).
 */
public final class QuarterStreams {
    /** A type's four-row kernel: rows r + i * gap for i < 4, accumulators stored unsummed to {@code sums}. */
    public interface FourRows {
        void dot4(int r, int gap, float[] x, float[] sums);
    }

    private QuarterStreams() {
    }

    public static void matvec(WeightMatrix m, FourRows kernel, float[] x, float[] out, int rowStart, int rowEnd) {
        int quarter = (rowEnd - rowStart) / 4;
        float[] sums = KernelScratch.ofThread().sums;
        for (int i = 0; i < quarter; i++) {
            int r = rowStart + i;
            kernel.dot4(r, quarter, x, sums);
            LaneSum.spread(sums, out, r, quarter);
        }
        for (int r = rowStart + 4 * quarter; r < rowEnd; r++) {
            out[r] = m.dot(r, x, 0);
        }
    }
}
