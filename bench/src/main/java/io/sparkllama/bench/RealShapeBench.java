package io.sparkllama.bench;

import io.sparkllama.engine.Engine;
import io.sparkllama.engine.MemoryUsage;
import io.sparkllama.engine.settings.KvCacheType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A real model shape at default settings: a seeded-random GGUF with Llama 3.2 1B's exact shape and
 * declared context (131072), opened as a user would (no context cap, default KV budget), prefill
 * and decode tok/s next to llama-bench on the same file (REF_LLAMA_BENCH), and the memory it took:
 * peak RSS, heap peak, KV peak and capacity, mapped and repacked weight bytes.
 *
 * <p>Usage: {@code RealShapeBench [--shared DIR] [--dir DIR] [--threads N] [--prompt N] [--gen N]
 * [--kv-cache-type T] [--out FILE] TYPE...} (TYPE: Q8_0, Q4_0).
 */
public final class RealShapeBench {
    private RealShapeBench() {
    }

    public static void main(String[] args) throws Exception {
        Path shared = Path.of("../shared");
        Path dir = SyntheticGgufFile.DEFAULT_DIR;
        int threads = 2;
        int prompt = 256;
        int gen = 64;
        KvCacheType kvType = KvCacheType.F32;
        Path out = null;
        List<GgufWeightType> types = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--shared" -> shared = Path.of(args[++i]);
                case "--dir" -> dir = Path.of(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--prompt" -> prompt = Integer.parseInt(args[++i]);
                case "--gen" -> gen = Integer.parseInt(args[++i]);
                case "--kv-cache-type" -> kvType = KvCacheType.parse(args[++i], "--kv-cache-type");
                case "--out" -> out = Path.of(args[++i]);
                default -> types.add(GgufWeightType.valueOf(args[i].toUpperCase(Locale.ROOT)));
            }
        }
        LlamaCppReference ref = LlamaCppReference.fromEnv();
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("bench", "real-shape");
        report.put("machine", MachineInfo.describe());
        report.put("uptime_at_start", MachineInfo.loadAverage());
        report.put("llama_bench", ref.describeBench());
        report.put("threads", threads);
        report.put("prompt_tokens", prompt);
        report.put("decode_tokens", gen);
        report.put("kv_cache_type", kvType.label());
        List<Object> files = new ArrayList<>();
        for (GgufWeightType type : types) {
            Path file = SyntheticGgufFile.write(dir, SyntheticShape.LLAMA32_1B_FULL_CONTEXT, type, shared);
            files.add(run(file, type, threads, prompt, gen, kvType, ref));
        }
        report.put("files", files);
        report.put("uptime_at_end", MachineInfo.loadAverage());
        BenchRecord.emit(report, out);
    }

    private static Map<String, Object> run(Path file, GgufWeightType type, int threads, int prompt, int gen, KvCacheType kvType,
                                           LlamaCppReference ref) throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", SyntheticShape.LLAMA32_1B_FULL_CONTEXT.name() + "-" + type.name());
        m.put("file", file.toString());
        m.put("file_bytes", Files.size(file));
        // Default settings: the declared context is the limit (never an allocation) and the KV budget is the default.
        try (Engine engine = Engine.open(file, null, 0, Engine.DEFAULT_PRECISION, 0, kvType)) {
            m.put("declared_context", engine.contextLength());
            m.put("load_average_before", MachineInfo.loadAverage());
            double prefill = EngineRuns.prefillTokPerSec(engine, threads, prompt, 1, 3);
            m.put("prefill_tok_per_s", Rounded.of(prefill));
            DecodePairs pairs = EngineRuns.decodePairs(engine, threads, gen, 1, 3,
                    ref.hasBench() ? () -> ref.tgTokPerSec(file, threads, gen) : null);
            m.put("decode_tok_per_s", Rounded.of(pairs.oursMedian()));
            m.put("decode_tok_per_s_runs", Rounded.all(pairs.ours()));
            if (ref.hasBench()) {
                m.put("llama_bench_tg_tok_per_s", Rounded.of(pairs.referenceMedian()));
                m.put("llama_bench_tg_tok_per_s_runs", Rounded.all(pairs.reference()));
                m.put("ratio_decode_vs_tg", Rounded.of(pairs.ratioMedian()));
                LlamaCppReference.Speed s = ref.speed(file, threads, prompt, 0, 2);
                m.put("llama_bench_pp_tok_per_s", Rounded.of(s.ppTokPerSec()));
                m.put("ratio_prefill_vs_pp", s.ppTokPerSec() > 0 ? Rounded.of(prefill / s.ppTokPerSec()) : 0);
            }
            m.put("load_average_after", MachineInfo.loadAverage());
            Map<String, Object> mem = new LinkedHashMap<>();
            mem.put("mapped_weight_bytes", engine.mappedBytes());
            mem.put("repacked_weight_bytes", engine.repackedBytes());
            mem.put("kv_cache_capacity_bytes", engine.kvCapacityBytes(engine.kvCacheMemory(), kvType));
            mem.put("kv_cache_block_bytes", engine.kvBlockBytes(kvType));
            mem.put("kv_cache_peak_bytes", MemoryUsage.jvmKvPeakBytes());
            mem.put("heap_peak_bytes", MemoryUsage.jvmHeapPeakBytes());
            mem.put("heap_max_bytes", Runtime.getRuntime().maxMemory());
            mem.put("peak_rss_bytes", peakRssBytes());
            m.put("memory", mem);
        }
        return m;
    }

    /** This process's peak resident set (VmHWM of /proc/self/status), or -1 where there is none. */
    private static long peakRssBytes() throws java.io.IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return -1;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return -1;
    }
}
