package io.sparkllama.bench.kernels;

import io.sparkllama.engine.settings.ActivationPrecision;
import io.sparkllama.engine.tensor.WeightMatrix;
import io.sparkllama.engine.tensor.WeightType;
import java.lang.foreign.Arena;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH microbenchmarks of the engine's weight kernels, one thread over all rows: {@code matvec}
 * (decode, one token) and {@code matmul} (prefill, {@link TokenBatch#tokens} tokens), per stored
 * type and shape. The score is calls per second; the {@link KernelWork} counters turn it into
 * GFLOP/s and GB/s of weights read. Run it through {@code bin/bench-kernels} ({@link KernelBenchMain}),
 * which skips types whose block does not divide a shape's columns.
 *
 * <p>Shapes are {@code ROWSxCOLS}: 768x288 is synth15M's w1, which stays in cache; 2048x2048 and
 * 8192x2048 are Llama-3.2-1B's wq and w1 (16 and 64 MiB in F32, 2 to 8 times less quantized),
 * which stream from L3 or memory depending on the type and the machine, as in decode.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class WeightKernelBench {
    @Param({"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_K", "Q6_K"})
    public WeightType type;

    @Param({"768x288", "2048x2048", "8192x2048"})
    public String shape;

    /** How Q8_0/Q4_0 meet the activations: {@code int8} (the engine's default) or {@code fp32}; other types ignore it. */
    @Param({"int8"})
    public String activations;

    private Arena arena;
    private WeightMatrix matrix;
    private float[] x;
    private float[] out;
    private KernelCost cost;

    @Setup(Level.Trial)
    public void allocate() {
        MatrixShape s = matrixShape();
        if (!KernelCost.fits(type, s)) {
            throw new IllegalArgumentException(type + " stores rows in blocks of " + type.blockSize
                    + " values; shape " + s + " has " + s.cols() + " columns");
        }
        arena = Arena.ofShared();
        matrix = SyntheticWeights.matrix(type, s, arena, 42, ActivationPrecision.parse(activations, "activations"));
        x = SyntheticWeights.activations(s.cols(), 7);
        out = new float[s.rows()];
        cost = new KernelCost(type, s, 1);
    }

    @TearDown(Level.Trial)
    public void release() {
        arena.close();
    }

    MatrixShape matrixShape() {
        return MatrixShape.parse(shape);
    }

    /** One token: every row dotted with {@code x}, as in decode. */
    @Benchmark
    public float[] matvec(KernelWork work) {
        matrix.matvec(x, out, 0, matrix.rows());
        work.add(cost);
        return out;
    }

    /** A batch of tokens through the blocked kernel, as in prefill and scoring. */
    @Benchmark
    public float[] matmul(TokenBatch batch, KernelWork work) {
        matrix.matmul(batch.x, batch.tokens, batch.out, matrix.rows(), 0, matrix.rows());
        work.add(batch.cost);
        return batch.out;
    }
}
