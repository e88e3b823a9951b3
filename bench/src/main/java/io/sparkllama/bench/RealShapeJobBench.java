package io.sparkllama.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The generate and score jobs on a real model shape at default settings, as a user runs them
 * ({@code bin/spark-llama} on {@code local[2]}, one process per job): tok/s from the run record,
 * the process's peak RSS (from {@code /usr/bin/time}), the heap and KV peaks and weight bytes the
 * run record gives, next to llama-bench on the same file (REF_LLAMA_BENCH).
 *
 * <p>Usage: {@code RealShapeJobBench [--shared DIR] [--dir DIR] [--gen-rows N] [--prompt-tokens N]
 * [--max-tokens N] [--score-rows N] [--score-tokens N] [--out FILE] SHAPE TYPE}. The full
 * workload is 32 x 256-token prompts with 128 new tokens and 500 x ~1,000-token score rows; smaller
 * counts keep a 2-core run within minutes, and the record says which were run.
 */
public final class RealShapeJobBench {
    /** Characters per Llama 3 token in English prose, to size rows; the run record counts the real tokens. */
    private static final double CHARS_PER_TOKEN = 4.3;

    private RealShapeJobBench() {
    }

    public static void main(String[] args) throws Exception {
        Path shared = Path.of("../shared");
        Path dir = SyntheticGgufFile.DEFAULT_DIR;
        int genRows = 32;
        int promptTokens = 256;
        int maxTokens = 128;
        int scoreRows = 500;
        int scoreTokens = 1000;
        Path out = null;
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--shared" -> shared = Path.of(args[++i]);
                case "--dir" -> dir = Path.of(args[++i]);
                case "--gen-rows" -> genRows = Integer.parseInt(args[++i]);
                case "--prompt-tokens" -> promptTokens = Integer.parseInt(args[++i]);
                case "--max-tokens" -> maxTokens = Integer.parseInt(args[++i]);
                case "--score-rows" -> scoreRows = Integer.parseInt(args[++i]);
                case "--score-tokens" -> scoreTokens = Integer.parseInt(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                default -> rest.add(args[i]);
            }
        }
        if (rest.size() != 2) {
            throw new IllegalArgumentException("usage: RealShapeJobBench [options] SHAPE TYPE (e.g. llama3.1-8B-131k Q4_0)");
        }
        SyntheticShape shape = SyntheticShape.named(rest.get(0));
        GgufWeightType type = GgufWeightType.valueOf(rest.get(1).toUpperCase(Locale.ROOT));
        Path file = SyntheticGgufFile.write(dir, shape, type, shared);
        String prose = Files.readString(shared.resolve("datasets/tinystories/TinyStories-valid-sample.txt"));
        Path work = Files.createTempDirectory("spark-llama-real-shape-jobs");

        Map<String, Object> report = new LinkedHashMap<>();
        report.put("bench", "real-shape-jobs");
        report.put("machine", MachineInfo.describe());
        report.put("uptime_at_start", MachineInfo.loadAverage());
        report.put("model", shape.name() + "-" + type.name());
        report.put("file", file.toString());
        report.put("file_bytes", Files.size(file));
        report.put("master", "local[2]");
        report.put("settings", "defaults (kv_cache_memory, model_cache_memory, context, batch_size, threads), driver -Xmx as bin/spark-llama sets it");

        Path prompts = table(work.resolve("prompts.jsonl"), "prompt", genRows, promptTokens, prose, Map.of("max_tokens", maxTokens));
        report.put("generate", job("generate", file, prompts, work.resolve("generated"), Map.of("rows", genRows,
                "prompt_tokens_per_row_approx", promptTokens, "max_tokens", maxTokens)));
        Path texts = table(work.resolve("texts.jsonl"), "text", scoreRows, scoreTokens, prose, Map.of());
        report.put("score", job("score", file, texts, work.resolve("scored"), Map.of("rows", scoreRows,
                "tokens_per_row_approx", scoreTokens)));

        LlamaCppReference ref = LlamaCppReference.fromEnv();
        report.put("llama_bench", ref.describeBench());
        if (ref.hasBench()) {
            LlamaCppReference.Speed s = ref.speed(file, 2, promptTokens, Math.min(maxTokens, 64), 2);
            report.put("llama_bench_pp_tok_per_s", Rounded.of(s.ppTokPerSec()));
            report.put("llama_bench_tg_tok_per_s", Rounded.of(s.tgTokPerSec()));
        }
        report.put("uptime_at_end", MachineInfo.loadAverage());
        BenchRecord.emit(report, out);
    }

    /** A JSONL table of {@code rows} rows whose {@code column} holds about {@code tokens} tokens of prose, each from its own offset. */
    private static Path table(Path path, String column, int rows, int tokens, String prose, Map<String, Object> extra) throws IOException {
        ObjectMapper json = new ObjectMapper();
        int chars = (int) (tokens * CHARS_PER_TOKEN);
        List<String> lines = new ArrayList<>(rows);
        for (int i = 0; i < rows; i++) {
            int start = (int) ((long) i * 7919 % Math.max(1, prose.length() - chars));
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", i);
            row.put(column, prose.substring(start, Math.min(prose.length(), start + chars)));
            row.putAll(extra);
            lines.add(json.writeValueAsString(row));
        }
        Files.write(path, lines, StandardCharsets.UTF_8);
        return path;
    }

    /** Runs {@code bin/spark-llama JOB} in its own process under {@code /usr/bin/time}; its figures. */
    private static Map<String, Object> job(String job, Path model, Path input, Path output, Map<String, Object> workload)
            throws IOException, InterruptedException {
        Path rss = output.resolveSibling(job + ".rss");
        Path log = output.resolveSibling(job + ".log");
        List<String> cmd = List.of("/usr/bin/time", "-f", "%M", "-o", rss.toString(), "bin/spark-llama", job, "--master", "local[2]",
                "--input", input.toString(), "--output", output.toString(), "--model", model.toString());
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        int rc = p.waitFor();
        double wall = (System.nanoTime() - t0) / 1e9;
        Map<String, Object> m = new LinkedHashMap<>(workload);
        m.put("exit_code", rc);
        m.put("process_wall_s", Rounded.of(wall));
        m.put("log", log.toString());
        if (rc != 0) {
            System.err.println(Files.readString(log));
            return m;
        }
        List<String> timeOutput = Files.readAllLines(rss);
        m.put("peak_rss_bytes", Long.parseLong(timeOutput.getLast().strip()) * 1024);
        JsonNode record = new ObjectMapper().readTree(output.resolve("_spark_llama.json").toFile());
        JsonNode counts = record.path("counts");
        m.put("counts", counts);
        m.put("memory", record.path("memory"));
        double seconds = counts.path("seconds").asDouble();
        m.put("input_tok_per_s", Rounded.of(counts.path("input_tokens").asLong() / seconds));
        m.put("output_tok_per_s", Rounded.of(counts.path("output_tokens").asLong() / seconds));
        for (String line : Files.readAllLines(log)) {
            if (line.startsWith("[spark-llama] wrote ")) {
                m.put("summary", line);
            }
        }
        return m;
    }
}
