package io.sparkllama.bench.kernels;

import io.sparkllama.engine.tensor.WeightType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs {@link WeightKernelBench} with JMH's command-line options, prints GFLOP/s and GB/s per
 * result and writes {@code bench/results/kernels-<date>.json}.
 *
 * <p>JMH crosses every type with every shape, and a type whose block does not divide a shape's
 * columns cannot store it (Q4_K and Q6_K at 288 columns), so this runs JMH once per shape with the
 * types that fit and lists the pairs it skipped. A {@code -rff} file named on the command line is
 * therefore rewritten per shape; the kernels JSON keeps JMH's results of all of them.
 *
 * <p>Every fork gets the JVM flags in {@code SPARK_LLAMA_FORK_FLAGS} (bin/lib.sh's module and
 * access flags, set by bin/bench-kernels) after any {@code -jvmArgsAppend} given.
 */
public final class KernelBenchMain {
    /** Environment variable with the flags every forked JVM needs, space-separated. */
    static final String FORK_FLAGS_ENV = "SPARK_LLAMA_FORK_FLAGS";

    private KernelBenchMain() {
    }

    public static void main(String[] args) throws Exception {
        CommandLineOptions cmd = parse(args);
        if (cmd.shouldHelp() || cmd.shouldList() || cmd.shouldListWithParams() || cmd.shouldListProfilers()
                || cmd.shouldListResultFormats()) {
            org.openjdk.jmh.Main.main(args);
            return;
        }
        List<RunResult> runs = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (String shape : values(cmd, "shape")) {
            List<String> types = typesThatFit(values(cmd, "type"), MatrixShape.parse(shape), skipped);
            if (!types.isEmpty()) {
                runs.addAll(new Runner(optionsFor(cmd, shape, types)).run());
            }
        }
        report(runs, skipped, args);
    }

    /** The types that can store rows of the shape's columns; the others are added to {@code skipped}. */
    private static List<String> typesThatFit(Collection<String> names, MatrixShape shape, List<String> skipped) {
        List<String> fit = new ArrayList<>();
        for (String name : names) {
            WeightType type = WeightType.valueOf(name);
            if (KernelCost.fits(type, shape)) {
                fit.add(name);
            } else {
                skipped.add(name + " at " + shape + ": " + shape.cols() + " columns are not whole blocks of " + type.blockSize);
            }
        }
        return fit;
    }

    private static void report(List<RunResult> runs, List<String> skipped, String[] args) throws IOException {
        skipped.forEach(pair -> System.out.println("skipped " + pair));
        if (runs.isEmpty()) {
            System.out.println("no results");
            return;
        }
        List<KernelResult> results = runs.stream().map(KernelResult::of).toList();
        KernelReport.print(results, System.out);
        Path file = KernelReport.write(runs, results, skipped, args, Path.of("bench/results"));
        System.out.println("wrote " + file);
    }

    private static CommandLineOptions parse(String[] args) {
        try {
            return new CommandLineOptions(args);
        } catch (CommandLineOptionException e) {
            System.err.println("bad JMH options: " + e.getMessage());
            System.exit(1);
            throw new AssertionError(e);
        }
    }

    /** The command line's options, narrowed to one shape and the types that fit it. */
    private static org.openjdk.jmh.runner.options.Options optionsFor(CommandLineOptions cmd, String shape, List<String> types) {
        ChainedOptionsBuilder b = new OptionsBuilder().parent(cmd)
                .param("shape", shape)
                .param("type", types.toArray(String[]::new));
        b.jvmArgsAppend(forkFlags(cmd).toArray(String[]::new));
        if (cmd.getIncludes().isEmpty()) {
            b.include(WeightKernelBench.class.getSimpleName());
        }
        return b.build();
    }

    /**
     * The command line's {@code -jvmArgsAppend}, then the required flags: JMH gives a fork this
     * JVM's own options unless {@code -jvmArgs} replaces them, and the Vector API must be there either way.
     */
    private static List<String> forkFlags(CommandLineOptions cmd) {
        List<String> flags = new ArrayList<>(cmd.getJvmArgsAppend().orElse(List.of()));
        String required = System.getenv(FORK_FLAGS_ENV);
        if (required != null && !required.isBlank()) {
            flags.addAll(List.of(required.trim().split("\\s+")));
        }
        return flags;
    }

    /** A parameter's values from {@code -p name=...}, else the benchmark's own {@code @Param} list. */
    private static Collection<String> values(CommandLineOptions cmd, String name) throws NoSuchFieldException {
        if (cmd.getParameter(name).hasValue()) {
            return cmd.getParameter(name).get();
        }
        return List.of(WeightKernelBench.class.getField(name).getAnnotation(Param.class).value());
    }
}
