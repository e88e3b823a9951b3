package io.sparkllama.bench;

import io.sparkllama.engine.Engine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The cost curve over GGUF files of several shapes and weight types: per file and thread count,
 * our decode, prefill and scoring tok/s (as % of this machine's bandwidth and FMA peak) and
 * llama-bench's tg and pp on the same file and threads, right after ours, with the ratios.
 */
final class GgufShapeRuns {
    /** Positions our engine serves: the longest prompt plus its decode, with room to spare. */
    private static final int MAX_CONTEXT = 256;

    /** One cell: a GGUF file named {@code shape-TYPE}. */
    record ShapeFile(String name, Path file) {
    }

    private GgufShapeRuns() {
    }

    /**
     * synth15M's own Q8_0/Q4_0 files and, with {@code synthetic}, every {@link SyntheticShape} in
     * every {@link GgufWeightType} (written under {@code syntheticDir} when missing); only the
     * names containing one of {@code filters} when any are given.
     */
    static List<ShapeFile> files(Path shared, boolean synthetic, Path syntheticDir, List<String> filters) throws IOException {
        List<ShapeFile> out = new ArrayList<>();
        for (String type : new String[] {"Q8_0", "Q4_0"}) {
            String name = "synth15M-" + type;
            Path f = shared.resolve("models/synth15M/gguf/synth15M-" + type.toLowerCase(Locale.ROOT) + ".gguf");
            if (wanted(name, filters) && Files.exists(f)) {
                out.add(new ShapeFile(name, f));
            }
        }
        if (!synthetic) {
            return out;
        }
        for (SyntheticShape shape : SyntheticShape.all()) {
            for (GgufWeightType type : GgufWeightType.values()) {
                String name = shape.name() + "-" + type.name();
                if (wanted(name, filters)) {
                    log("writing or reusing " + name + " under " + syntheticDir);
                    out.add(new ShapeFile(name, SyntheticGgufFile.write(syntheticDir, shape, type, shared)));
                }
            }
        }
        return out;
    }

    private static boolean wanted(String name, List<String> filters) {
        return filters.isEmpty() || filters.stream().anyMatch(name::contains);
    }

    /** Every thread count on one file; the engine is opened once. */
    static Map<String, Object> run(ShapeFile f, int[] threads, Map<String, Object> limits, LlamaCppReference ref) throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", f.name());
        m.put("file", f.file().toString());
        try (Engine engine = Engine.open(f.file(), null, MAX_CONTEXT)) {
            ModelCost cost = ModelCost.of(engine);
            RunSizes sizes = RunSizes.of(cost);
            m.put("matmul_params", cost.matmulParams());
            m.put("weight_bytes_per_token", cost.bytesPerToken());
            m.put("sizes", sizes.describe());
            List<Object> cells = new ArrayList<>();
            for (int t : threads) {
                Map<String, Object> c = cell(engine, f, t, cost, sizes, limits, ref);
                log(f.name() + " " + c);
                cells.add(c);
            }
            m.put("cells", cells);
        }
        return m;
    }

    private static Map<String, Object> cell(Engine engine, ShapeFile f, int t, ModelCost cost, RunSizes sizes,
                                            Map<String, Object> limits, LlamaCppReference ref) throws Exception {
        double bw = (double) limits.get("read_bandwidth_gbs_" + t + "t");
        double peak = (double) limits.get("fma_peak_gflops_" + t + "t");
        long t0 = System.nanoTime();
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("threads", t);
        // Each decode run is paired with one llama-bench tg run right after it: the machine's speed
        // drifts between minutes, and a pair sees the same moment.
        DecodePairs pairs = EngineRuns.decodePairs(engine, t, sizes.decodeTokens(), 1, sizes.decodeRuns(),
                ref.hasBench() ? () -> ref.tgTokPerSec(f.file(), t, sizes.decodeTokens()) : null);
        double decode = pairs.oursMedian();
        c.put("decode_tok_per_s", Rounded.of(decode));
        c.put("decode_tok_per_s_runs", Rounded.all(pairs.ours()));
        c.put("decode_pct_of_bandwidth", Rounded.of(100 * decode * cost.bytesPerToken() / 1e9 / bw));
        double prefill = EngineRuns.prefillTokPerSec(engine, t, sizes.promptTokens(), 1, sizes.promptRuns());
        c.put("prefill_tok_per_s", Rounded.of(prefill));
        c.put("prefill_pct_of_fma_peak", Rounded.of(100 * prefill * cost.prefillFlopsPerToken() / 1e9 / peak));
        double score = EngineRuns.scoreTokPerSec(engine, t, sizes.promptTokens(), 1, sizes.promptRuns());
        c.put("score_tok_per_s", Rounded.of(score));
        c.put("score_pct_of_fma_peak", Rounded.of(100 * score * cost.flopsPerToken() / 1e9 / peak));
        if (ref.hasBench()) {
            double tg = pairs.referenceMedian();
            c.put("llama_cpp_tg_tok_per_s", Rounded.of(tg));
            c.put("llama_cpp_tg_tok_per_s_runs", Rounded.all(pairs.reference()));
            c.put("llama_cpp_tg_pct_of_bandwidth", Rounded.of(100 * tg * cost.bytesPerToken() / 1e9 / bw));
            c.put("ratio_decode_vs_tg", Rounded.of(pairs.ratioMedian()));
            LlamaCppReference.Speed s = ref.speed(f.file(), t, sizes.promptTokens(), 0, sizes.llamaReps());
            c.put("llama_cpp_pp_tok_per_s", Rounded.of(s.ppTokPerSec()));
            c.put("llama_cpp_pp_stddev", Rounded.of(s.ppStddev()));
            c.put("ratio_prefill_vs_pp", ratio(prefill, s.ppTokPerSec()));
        }
        c.put("load_average", MachineInfo.loadAverage());
        c.put("cell_wall_s", Rounded.of((System.nanoTime() - t0) / 1e9)); // for planning: what this cell cost
        return c;
    }

    private static double ratio(double ours, double ref) {
        return ref > 0 ? Rounded.of(ours / ref) : 0;
    }

    private static void log(String s) {
        System.err.println("[bench] " + s);
    }
}
