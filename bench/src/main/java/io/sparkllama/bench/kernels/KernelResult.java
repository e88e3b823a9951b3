package io.sparkllama.bench.kernels;

import io.sparkllama.engine.tensor.WeightType;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;

/** One JMH result of {@link WeightKernelBench} as calls per second, GFLOP/s and GB/s of weights read. */
public record KernelResult(String kernel, KernelCost cost, String activations, double callsPerSecond) {

    /** Reads the benchmark's parameters and converts its primary score, in whatever mode and time unit it was run. */
    public static KernelResult of(RunResult run) {
        BenchmarkParams p = run.getParams();
        String tokens = p.getParam("tokens");
        KernelCost cost = new KernelCost(WeightType.valueOf(p.getParam("type")), MatrixShape.parse(p.getParam("shape")),
                tokens == null ? 1 : Integer.parseInt(tokens));
        String benchmark = p.getBenchmark();
        String activations = p.getParam("activations");
        return new KernelResult(benchmark.substring(benchmark.lastIndexOf('.') + 1), cost, activations == null ? "int8" : activations,
                callsPerSecond(run.getPrimaryResult(), p.getMode(), p.getTimeUnit()));
    }

    public double gflops() {
        return callsPerSecond * cost.flops() / 1e9;
    }

    public double weightGBs() {
        return callsPerSecond * cost.weightBytes() / 1e9;
    }

    /** Throughput scores are calls per time unit; the other modes give time units per call. */
    private static double callsPerSecond(Result<?> primary, Mode mode, TimeUnit unit) {
        double unitsPerSecond = (double) TimeUnit.SECONDS.toNanos(1) / unit.toNanos(1);
        return mode == Mode.Throughput ? primary.getScore() * unitsPerSecond : unitsPerSecond / primary.getScore();
    }
}
