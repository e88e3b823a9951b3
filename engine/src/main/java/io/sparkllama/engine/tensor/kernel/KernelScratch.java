package io.sparkllama.engine.tensor.kernel;

/**
 * A thread's buffers for the kernels, made once per thread so that no matvec or matmul call
 * allocates: the unsummed accumulators of a register block, and room for dequantized rows.
 * Kernels that use it call no other kernel while they hold it.
 */
public final class KernelScratch {
    private static final ThreadLocal<KernelScratch> OF_THREAD = ThreadLocal.withInitial(KernelScratch::new);

    /** 16 vectors: the 16-lane accumulators of 4 rows ({@link LaneSum}), a 4x4 block of them on AVX-512, or one 2L-row panel of results. */
    public final float[] sums = new float[16 * KernelSpecies.LANES];
    private float[] rows = new float[0];
    /** Activations quantized for the {@link ActivationPrecision#INT8} kernels. */
    public final Q8Activations activations = new Q8Activations();
    /** One block of a 2L-row panel unpacked to floats, k by k. */
    public final float[] panelBlock = new float[Q8Activations.QK * 2 * KernelSpecies.LANES];
    private float[] accumulators = new float[0];
    private float[] tokenBlock = new float[0];

    private KernelScratch() {
    }

    public static KernelScratch ofThread() {
        return OF_THREAD.get();
    }

    /** Room for four rows of {@code cols} values. */
    public float[] rows(int cols) {
        if (rows.length < 4 * cols) {
            rows = new float[4 * cols];
        }
        return rows;
    }

    /** Room for eight tokens of {@code cols} activations: a matmul's leftover tokens padded to a whole register block. */
    public float[] tokenBlock(int cols) {
        if (tokenBlock.length < 8 * cols) {
            tokenBlock = new float[8 * cols];
        }
        return tokenBlock;
    }

    /** Room for {@code size} accumulators (a panel's results for every token of a matmul). */
    public float[] accumulators(int size) {
        if (accumulators.length < size) {
            accumulators = new float[size];
        }
        return accumulators;
    }
}
