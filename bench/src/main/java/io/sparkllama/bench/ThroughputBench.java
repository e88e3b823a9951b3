package io.sparkllama.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.sparkllama.engine.Engine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * End-to-end throughput benchmark: machine limits, decode and scoring speed per model and thread
 * count (against run.c in the same run when {@code REF_RUNC} is set), our engine against llama.cpp
 * on GGUF files from 15M to 1B parameters in F32/F16/Q8_0/Q4_0 (when {@code REF_LLAMA_BENCH} is
 * set), perplexity against llama-perplexity (when {@code REF_LLAMA_PPL} is set), and batched
 * generation. Prints the JSON and writes it to {@code bench/results/throughput-<date>.json}.
 *
 * <p>Arguments: {@code --shared DIR} (default ../shared), {@code --out DIR} (default bench/results),
 * {@code --large} to add a seeded-random model of the stories110M shape written to /tmp,
 * {@code --only stories260K|synth15M} for one model, {@code --no-batched} to skip batched generation,
 * {@code --shapes} to add the synthetic stories110M and llama3.2-1B GGUF files in every weight type
 * to the GGUF cells (by default only synth15M's own Q8_0/Q4_0), {@code --full} for
 * {@code --large --shapes}, {@code --synthetic-dir DIR} where those files go (default
 * /tmp/spark-llama-synthetic), {@code --threads 1,2} the thread counts, and for quick checks
 * {@code --shapes-only A,B} (only the GGUF cells whose name contains A or B, e.g.
 * {@code stories110M-Q8_0}) or {@code --ppl-only}; those two write {@code throughput-subset-<date>.json}.
 */
public final class ThroughputBench {
    private static final int DECODE_TOKENS = 200;
    /** Decode runs, each paired with a run.c run right after it. */
    private static final int PAIRS = 5;
    private static final int[] BATCHES = {1, 8, 32, 64};

    private ThroughputBench() {
    }

    public static void main(String[] args) throws Exception {
        Path shared = Path.of("../shared");
        Path outDir = Path.of("bench/results");
        Path syntheticDir = SyntheticGgufFile.DEFAULT_DIR;
        boolean large = false;
        boolean shapes = false;
        boolean batchedRuns = true;
        boolean pplOnly = false;
        String only = "";
        List<String> shapesOnly = new ArrayList<>();
        int[] threads = {1, 2};
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--shared" -> shared = Path.of(args[++i]);
                case "--out" -> outDir = Path.of(args[++i]);
                case "--large" -> large = true;
                case "--shapes" -> shapes = true;
                case "--full" -> {
                    large = true;
                    shapes = true;
                }
                case "--synthetic-dir" -> syntheticDir = Path.of(args[++i]);
                case "--shapes-only" -> shapesOnly.addAll(List.of(args[++i].split(",")));
                case "--ppl-only" -> pplOnly = true;
                case "--threads" -> threads = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
                case "--no-batched" -> batchedRuns = false;
                case "--only" -> only = args[++i];
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        boolean subset = pplOnly || !shapesOnly.isEmpty();
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("benchmark", "throughput");
        root.put("date", ZonedDateTime.now().toString());
        root.put("machine", MachineInfo.describe());
        root.put("jdk", Runtime.version().toString());
        root.put("settings", settings());

        // A first round is discarded: at the start of a run the 2-thread FMA peak measured no more
        // than the 1-thread one (117 vs 225 GFLOP/s at the end of the same run), most likely
        // because the JIT was still compiling on the other core.
        limits(threads);
        Map<String, Object> limits = limits(threads);
        root.put("limits", limits);
        log("limits " + limits);

        RunCReference runc = RunCReference.fromEnv();
        root.put("runc", runc == null ? "absent: set REF_RUNC to a run.c binary to compare" : runc.binary().toString());
        if (runc == null) {
            log("REF_RUNC not set: no run.c comparison in this run");
        }
        LlamaCppReference llamaCpp = LlamaCppReference.fromEnv();
        root.put("llama_cpp_bench", llamaCpp.describeBench());
        root.put("llama_cpp_perplexity", llamaCpp.describePerplexity());
        if (!llamaCpp.hasBench()) {
            log("REF_LLAMA_BENCH not set: no llama.cpp comparison in the GGUF cells");
        }
        Path tok2 = shared.resolve("models/llama2-tokenizer/tokenizer.bin");
        if (!subset) {
            List<Object> models = new ArrayList<>();
            if (!only.equals("synth15M")) {
                models.add(modelRuns("stories260K", shared.resolve("models/stories260K/stories260K.bin"), shared.resolve("models/stories260K/tok512.bin"), threads, limits, runc));
            }
            if (!only.equals("stories260K")) {
                models.add(modelRuns("synth15M", shared.resolve("models/synth15M/synth15M.bin"), tok2, threads, limits, runc));
            }
            if (large) {
                models.add(modelRuns("synth110M (stories110M shape, seeded random)", SyntheticModelFile.stories110M(Path.of("/tmp")), tok2, threads, limits, runc));
            }
            root.put("models", models);
        }
        if (!pplOnly && !only.equals("stories260K")) {
            List<Object> cells = new ArrayList<>();
            for (GgufShapeRuns.ShapeFile f : GgufShapeRuns.files(shared, shapes || !shapesOnly.isEmpty(), syntheticDir, shapesOnly)) {
                cells.add(GgufShapeProcess.run(f, threads, limits));
            }
            root.put("gguf_shapes", cells);
        }
        if (batchedRuns && !subset) {
            root.put("batched", batched(shared.resolve("models/synth15M/synth15M.bin"), tok2, threads));
        }
        if (shapesOnly.isEmpty() && only.isEmpty()) {
            root.put("perplexity_vs_llama_cpp", llamaCpp.hasPerplexity()
                    ? PerplexityComparison.run(shared, threads, llamaCpp) : LlamaCppReference.PPL_ABSENT);
        }

        // Measured again: a busy moment at the start would skew every percentage above.
        root.put("limits_at_end", limits(threads));
        root.put("load_average_at_end", MachineInfo.loadAverage());
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        String text = json.writeValueAsString(root);
        System.out.println(text);
        Files.createDirectories(outDir);
        Path out = outDir.resolve((subset ? "throughput-subset-" : "throughput-") + LocalDate.now() + ".json");
        Files.writeString(out, text + "\n");
        log("wrote " + out);
    }

    private static Map<String, Object> settings() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("decode", "greedy from BOS, " + DECODE_TOKENS + " new tokens, at least 2 warm-up runs and 5 s (JIT), then " + PAIRS + " runs, each followed by one run.c run; medians, ratio = median of the per-pair ratios");
        settings.put("score", "teacher forcing of a seeded random sequence (min(context, 256) tokens), chunk " + Engine.DEFAULT_CHUNK + ", median of 3 after at least 2 warm-up runs and 5 s");
        settings.put("batched", "synth15M, 64 requests, 8-token prompts, 32 new tokens each, temperature 1 seeded; aggregate generated tok/s, median of 2 after 1 warm-up");
        settings.put("runc", "llama2.c run.c -t 0 -n " + (DECODE_TOKENS + 1) + " -i '' with OMP_NUM_THREADS; its own 'achieved tok/s'");
        settings.put("activations", "Q8_0 and Q4_0 weights meet " + Engine.DEFAULT_PRECISION
                + " activations (the engine default; llama.cpp also quantizes activations to 8 bits per block of 32)");
        settings.put("flops_per_token", "2 x matmul parameters (attention left out); prefill: the classifier left out too (only the last position needs it)");
        settings.put("weight_bytes_per_token", "every matrix once in its stored type, plus one embedding row");
        settings.put("gguf_shapes", "each file in a JVM of its own (one model per process, as on an executor); per file and thread count: decode = greedy from BOS after >= 1 warm-up and 5 s, each run followed by one "
                + "llama-bench -p 0 -n <decode tokens> -r 1 -t <threads> run (its avg_ts), medians, ratio = median of the per-pair ratios; "
                + "prefill = a seeded random prompt generating 1 token (only the last position through the classifier, as llama-bench pp); "
                + "score = teacher forcing of the same length (every position through the classifier); then llama-bench -p <prompt> -n 0 -r <reps> for pp; "
                + "sizes per model in 'sizes' (fewer tokens for 1B); synthetic files: seeded random weights, every matrix in the one type (like llama-quantize --pure), norms F32");
        settings.put("perplexity", "golden/ppl_text.txt, llama.cpp method at -c " + PerplexityComparison.CTX + ", stories260K-h192 GGUF F32/Q8_0/Q4_0; "
                + "ours: one timed run after >= 1 warm-up and 5 s, model loaded; llama-perplexity: the whole process (load included); tok/s = scored tokens / wall seconds; "
                + "llama_cpp_eval_tok_per_s = its own prompt-eval rate (all tokens run)");
        return settings;
    }

    private static Map<String, Object> limits(int[] threads) throws InterruptedException {
        Map<String, Object> limits = new LinkedHashMap<>();
        for (int t : threads) {
            limits.put("fma_peak_gflops_" + t + "t", Rounded.of(MachineLimits.fmaPeakGflops(t)));
            limits.put("read_bandwidth_gbs_" + t + "t", Rounded.of(MachineLimits.readBandwidthGBs(t)));
        }
        return limits;
    }

    private static Map<String, Object> modelRuns(String name, Path model, Path tokenizer, int[] threads, Map<String, Object> limits, RunCReference runc) throws Exception {
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
            for (int t : threads) {
                double bw = (double) limits.get("read_bandwidth_gbs_" + t + "t");
                double peak = (double) limits.get("fma_peak_gflops_" + t + "t");
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("threads", t);
                DecodePairs pairs = EngineRuns.decodePairs(engine, t, DECODE_TOKENS, 2, PAIRS,
                        runc == null ? null : () -> runc.decodeTokPerSec(model, tokenizer, t, DECODE_TOKENS + 1));
                double rate = pairs.oursMedian();
                d.put("tok_per_s", Rounded.of(rate));
                d.put("tok_per_s_runs", Rounded.all(pairs.ours()));
                d.put("pct_of_bandwidth", Rounded.of(100 * rate * cost.bytesPerToken() / 1e9 / bw));
                d.put("pct_of_fma_peak", Rounded.of(100 * rate * cost.flopsPerToken() / 1e9 / peak));
                if (runc != null && pairs.referenceMedian() > 0) {
                    d.put("runc_tok_per_s", Rounded.of(pairs.referenceMedian()));
                    d.put("runc_tok_per_s_runs", Rounded.all(pairs.reference()));
                    d.put("ratio_vs_runc", Rounded.of(pairs.ratioMedian()));
                }
                decode.add(d);
                log(name + " decode " + d);
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("threads", t);
                s.put("tokens", scoreLen);
                double srate = EngineRuns.scoreTokPerSec(engine, t, scoreLen, 2, 3);
                s.put("tok_per_s", Rounded.of(srate));
                s.put("gflops", Rounded.of(srate * cost.flopsPerToken() / 1e9));
                s.put("pct_of_fma_peak", Rounded.of(100 * srate * cost.flopsPerToken() / 1e9 / peak));
                score.add(s);
                log(name + " score " + s);
            }
            m.put("decode", decode);
            m.put("score", score);
        }
        return m;
    }

    private static List<Object> batched(Path model, Path tokenizer, int[] threads) {
        List<Object> rows = new ArrayList<>();
        try (Engine engine = Engine.open(model, tokenizer, 0)) {
            for (int t : threads) {
                double base = 0;
                for (int b : BATCHES) {
                    double rate = EngineRuns.batchedTokPerSec(engine, t, b, 64, 8, 32, 2);
                    if (b == 1) {
                        base = rate;
                    }
                    Map<String, Object> r = new LinkedHashMap<>();
                    r.put("threads", t);
                    r.put("max_batch", b);
                    r.put("tok_per_s", Rounded.of(rate));
                    r.put("speedup_vs_batch1", Rounded.of(rate / base));
                    rows.add(r);
                    log("synth15M batched " + r);
                }
            }
        }
        return rows;
    }

    private static void log(String s) {
        System.err.println("[bench] " + s);
    }
}
