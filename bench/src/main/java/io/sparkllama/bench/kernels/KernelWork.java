package io.sparkllama.bench.kernels;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Work done by the kernel calls of one iteration; JMH divides each counter by the iteration's
 * time, so {@code gflop} reads as GFLOP/s and {@code weightGB} as GB/s of weights (its unit says ops/s).
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class KernelWork {
    public double gflop;
    public double weightGB;

    @Setup(Level.Iteration)
    public void reset() {
        gflop = 0;
        weightGB = 0;
    }

    void add(KernelCost cost) {
        gflop += cost.flops() / 1e9;
        weightGB += cost.weightBytes() / 1e9;
    }
}
