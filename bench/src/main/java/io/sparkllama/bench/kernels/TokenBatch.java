package io.sparkllama.bench.kernels;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** The tokens of a {@code matmul} call: its own state, so that {@code matvec} is not repeated per token count. */
@State(Scope.Benchmark)
public class TokenBatch {
    @Param({"16", "64"})
    public int tokens;

    float[] x;
    float[] out;
    KernelCost cost;

    @Setup(Level.Trial)
    public void allocate(WeightKernelBench bench) {
        MatrixShape s = bench.matrixShape();
        x = SyntheticWeights.activations(tokens * s.cols(), 11);
        out = new float[tokens * s.rows()];
        cost = new KernelCost(bench.type, s, tokens);
    }
}
