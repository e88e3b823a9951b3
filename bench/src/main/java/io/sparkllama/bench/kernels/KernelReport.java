package io.sparkllama.bench.kernels;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.sparkllama.bench.MachineInfo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatFactory;
import org.openjdk.jmh.results.format.ResultFormatType;

/** The kernel benchmark's table of GFLOP/s and GB/s, and its JSON: machine, settings, summary and JMH's own results. */
final class KernelReport {
    private KernelReport() {
    }

    static void print(List<KernelResult> results, PrintStream out) {
        out.printf("%n%-7s %-5s %-5s %-10s %6s %12s %9s %8s%n", "kernel", "type", "acts", "shape", "tokens", "calls/s", "GFLOP/s", "GB/s");
        for (KernelResult r : results) {
            KernelCost c = r.cost();
            out.printf("%-7s %-5s %-5s %-10s %6d %12.1f %9.2f %8.2f%n", r.kernel(), c.type(), r.activations(), c.shape(), c.tokens(),
                    r.callsPerSecond(), r.gflops(), r.weightGBs());
        }
    }

    /** Writes {@code kernels-<date>.json} in {@code dir} and returns its path. */
    static Path write(Collection<RunResult> runs, List<KernelResult> results, List<String> skipped, String[] args, Path dir)
            throws IOException {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("benchmark", "kernels");
        root.put("date", ZonedDateTime.now().toString());
        root.put("machine", MachineInfo.describe());
        root.put("jdk", Runtime.version().toString());
        root.put("settings", settings(runs.iterator().next().getParams(), args));
        root.put("skipped", skipped);
        root.put("results", summary(results));
        root.put("jmh", json.readTree(jmhJson(runs)));
        root.put("load_average_at_end", MachineInfo.loadAverage());
        Files.createDirectories(dir);
        Path file = dir.resolve("kernels-" + LocalDate.now() + ".json");
        Files.writeString(file, json.writeValueAsString(root) + "\n");
        return file;
    }

    private static Map<String, Object> settings(BenchmarkParams p, String[] args) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("args", List.of(args));
        s.put("mode", p.getMode().longLabel());
        s.put("forks", p.getForks());
        s.put("warmup", p.getWarmup().getCount() + " x " + p.getWarmup().getTime());
        s.put("measurement", p.getMeasurement().getCount() + " x " + p.getMeasurement().getTime());
        s.put("threads", p.getThreads());
        s.put("jvm_args", p.getJvmArgs());
        s.put("jmh", p.getJmhVersion());
        s.put("work", "one thread over all rows; flops = 2 x rows x cols x tokens per call;"
                + " weight bytes = the matrix's stored bytes, read once per call whatever the tokens");
        return s;
    }

    private static List<Object> summary(List<KernelResult> results) {
        List<Object> rows = new ArrayList<>();
        for (KernelResult r : results) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kernel", r.kernel());
            m.put("type", r.cost().type().name());
            m.put("activations", r.activations());
            m.put("shape", r.cost().shape().toString());
            m.put("tokens", r.cost().tokens());
            m.put("calls_per_s", round(r.callsPerSecond()));
            m.put("gflops", round(r.gflops()));
            m.put("weight_gbs", round(r.weightGBs()));
            rows.add(m);
        }
        return rows;
    }

    /** JMH's own JSON (what {@code -rf json} writes) for the runs. */
    private static String jmhJson(Collection<RunResult> runs) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            ResultFormatFactory.getInstance(ResultFormatType.JSON, out).writeOut(runs);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
