package io.sparkllama.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.sparkllama.engine.Engine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdk.incubator.vector.FloatVector;

/**
 * End-to-end throughput benchmark: machine limits, decode and scoring speed per model and thread
 * count (against run.c in the same run when {@code REF_RUNC} is set), and batched generation.
 * Prints the JSON and writes it to {@code bench/results/throughput-<date>.json}.
 *
 * <p>Arguments: {@code --shared DIR} (default ../shared), {@code --out DIR} (default bench/results),
 * {@code --large} to add a seeded-random model of the stories110M shape written to /tmp,
 * {@code --only stories260K|synth15M} for one model, {@code --no-batched} to skip batched generation.
 */
public final class ThroughputBench {
    private static final int DECODE_TOKENS = 200;
    private static final int[] THREADS = {1, 2};
    /** Decode runs, each paired with a run.c run right after it. */
    private static final int PAIRS = 5;
    private static final int[] BATCHES = {1, 8, 32, 64};

    private ThroughputBench() {
    }

    public static void main(String[] args) throws Exception {
        Path shared = Path.of("../shared");
        Path outDir = Path.of("bench/results");
        boolean large = false;
        boolean batchedRuns = true;
        String only = "";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--shared" -> shared = Path.of(args[++i]);
                case "--out" -> outDir = Path.of(args[++i]);
                case "--large" -> large = true;
                case "--no-batched" -> batchedRuns = false;
                case "--only" -> only = args[++i];
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("benchmark", "throughput");
        root.put("date", ZonedDateTime.now().toString());
        root.put("machine", machine());
        root.put("jdk", Runtime.version().toString());
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("decode", "greedy from BOS, " + DECODE_TOKENS + " new tokens, at least 2 warm-up runs and 5 s (JIT), then " + PAIRS + " runs, each followed by one run.c run; medians, ratio = median of the per-pair ratios");
        settings.put("score", "teacher forcing of a seeded random sequence (min(context, 256) tokens), chunk " + Engine.DEFAULT_CHUNK + ", median of 3 after at least 2 warm-up runs and 5 s");
        settings.put("batched", "synth15M, 64 requests, 8-token prompts, 32 new tokens each, temperature 1 seeded; aggregate generated tok/s, median of 2 after 1 warm-up");
        settings.put("runc", "llama2.c run.c -t 0 -n " + (DECODE_TOKENS + 1) + " -i '' with OMP_NUM_THREADS; its own 'achieved tok/s'");
        settings.put("flops_per_token", "2 x matmul parameters (attention left out)");
        root.put("settings", settings);

        Map<String, Object> limits = new LinkedHashMap<>();
        for (int t : THREADS) {
            limits.put("fma_peak_gflops_" + t + "t", round(MachineLimits.fmaPeakGflops(t)));
            limits.put("read_bandwidth_gbs_" + t + "t", round(MachineLimits.readBandwidthGBs(t)));
        }
        root.put("limits", limits);
        log("limits " + limits);

        RunCReference runc = RunCReference.fromEnv();
        root.put("runc", runc == null ? "absent: set REF_RUNC to a run.c binary to compare" : runc.binary().toString());
        if (runc == null) {
            log("REF_RUNC not set: no run.c comparison in this run");
        }
        Path tok2 = shared.resolve("models/llama2-tokenizer/tokenizer.bin");
        List<Object> models = new ArrayList<>();
        if (!only.equals("synth15M")) {
            models.add(modelRuns("stories260K", shared.resolve("models/stories260K/stories260K.bin"), shared.resolve("models/stories260K/tok512.bin"), limits, runc));
        }
        if (!only.equals("stories260K")) {
            models.add(modelRuns("synth15M", shared.resolve("models/synth15M/synth15M.bin"), tok2, limits, runc));
        }
        if (large) {
            models.add(modelRuns("synth110M (stories110M shape, seeded random)", SyntheticModelFile.stories110M(Path.of("/tmp")), tok2, limits, runc));
        }
        root.put("models", models);
        if (batchedRuns) {
            root.put("batched", batched(shared.resolve("models/synth15M/synth15M.bin"), tok2));
        }

        root.put("load_average_at_end", loadAverage());
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        String text = json.writeValueAsString(root);
        System.out.println(text);
        Files.createDirectories(outDir);
        Path out = outDir.resolve("throughput-" + LocalDate.now() + ".json");
        Files.writeString(out, text + "\n");
        log("wrote " + out);
    }

    private static Map<String, Object> modelRuns(String name, Path model, Path tokenizer, Map<String, Object> limits, RunCReference runc) throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", name);
        m.put("file", model.toString());
        try (Engine engine = Engine.open(model, tokenizer, 0)) {
            ModelCost cost = ModelCost.of(engine);
            m.put("weight_bytes_per_token", cost.bytesPerToken());
            m.put("flops_per_token", cost.flopsPerToken());
            List<Object> decode = new ArrayList<>();
            List<Object> score = new ArrayList<>();
            int scoreLen = Math.min(engine.contextLength(), 256);
            for (int t : THREADS) {
                double bw = (double) limits.get("read_bandwidth_gbs_" + t + "t");
                double peak = (double) limits.get("fma_peak_gflops_" + t + "t");
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("threads", t);
                double[][] pairs = EngineRuns.decodePairs(engine, t, DECODE_TOKENS, 2, PAIRS, runc, model, tokenizer);
                double[] ours = new double[PAIRS];
                double[] ref = new double[PAIRS];
                double[] ratio = new double[PAIRS];
                for (int i = 0; i < PAIRS; i++) {
                    ours[i] = pairs[i][0];
                    ref[i] = pairs[i][1];
                    ratio[i] = ref[i] > 0 ? ours[i] / ref[i] : 0;
                }
                double rate = Median.of(ours);
                d.put("tok_per_s", round(rate));
                d.put("tok_per_s_runs", rounded(ours));
                d.put("pct_of_bandwidth", round(100 * rate * cost.bytesPerToken() / 1e9 / bw));
                d.put("pct_of_fma_peak", round(100 * rate * cost.flopsPerToken() / 1e9 / peak));
                if (runc != null && Median.of(ref) > 0) {
                    d.put("runc_tok_per_s", round(Median.of(ref)));
                    d.put("runc_tok_per_s_runs", rounded(ref));
                    d.put("ratio_vs_runc", round(Median.of(ratio)));
                }
                decode.add(d);
                log(name + " decode " + d);
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("threads", t);
                s.put("tokens", scoreLen);
                double srate = EngineRuns.scoreTokPerSec(engine, t, scoreLen, 2, 3);
                s.put("tok_per_s", round(srate));
                s.put("gflops", round(srate * cost.flopsPerToken() / 1e9));
                s.put("pct_of_fma_peak", round(100 * srate * cost.flopsPerToken() / 1e9 / peak));
                score.add(s);
                log(name + " score " + s);
            }
            m.put("decode", decode);
            m.put("score", score);
        }
        return m;
    }

    private static List<Object> batched(Path model, Path tokenizer) {
        List<Object> rows = new ArrayList<>();
        try (Engine engine = Engine.open(model, tokenizer, 0)) {
            for (int t : THREADS) {
                double base = 0;
                for (int b : BATCHES) {
                    double rate = EngineRuns.batchedTokPerSec(engine, t, b, 64, 8, 32, 2);
                    if (b == 1) {
                        base = rate;
                    }
                    Map<String, Object> r = new LinkedHashMap<>();
                    r.put("threads", t);
                    r.put("max_batch", b);
                    r.put("tok_per_s", round(rate));
                    r.put("speedup_vs_batch1", round(rate / base));
                    rows.add(r);
                    log("synth15M batched " + r);
                }
            }
        }
        return rows;
    }

    private static Map<String, Object> machine() throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        String cpu = "unknown";
        Path info = Path.of("/proc/cpuinfo");
        if (Files.isReadable(info)) {
            for (String line : Files.readAllLines(info)) {
                if (line.startsWith("model name")) {
                    cpu = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
        }
        m.put("cpu", cpu);
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("vector_species_bits", FloatVector.SPECIES_PREFERRED.vectorBitSize());
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        m.put("load_average_at_start", loadAverage());
        return m;
    }

    /** The 1/5/15-minute load averages: this machine is shared, so say how busy it was. */
    private static String loadAverage() throws java.io.IOException {
        Path p = Path.of("/proc/loadavg");
        return Files.isReadable(p) ? Files.readString(p).trim() : "unknown";
    }

    private static double[] rounded(double[] v) {
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = round(v[i]);
        }
        return r;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    private static void log(String s) {
        System.err.println("[bench] " + s);
    }
}
