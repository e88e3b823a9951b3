package io.sparkllama.bench;

import io.sparkllama.engine.Engine;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Decode with 2 engine threads against 1 while another process keeps one core busy (a shell
 * loop): worker threads that spun instead of parking would lose their core to it and drag every
 * step. Pairs alternate 2-thread and 1-thread runs so both see the same load; the same pairs
 * without the competitor are the baseline. The goal is 2-thread / 1-thread at least 0.9 under load.
 *
 * <p>Usage: {@code CompetingLoadBench MODEL [TOKENIZER|-] [--tokens N] [--runs N] [--out FILE]}.
 */
public final class CompetingLoadBench {
    private CompetingLoadBench() {
    }

    public static void main(String[] args) throws Exception {
        Path model = Path.of(args[0]);
        Path tokenizer = args.length > 1 && !args[1].startsWith("--") && !args[1].equals("-") ? Path.of(args[1]) : null;
        int tokens = 128;
        int runs = 5;
        Path out = null;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--tokens" -> tokens = Integer.parseInt(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                default -> { }
            }
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("bench", "decode-under-competing-load");
        report.put("machine", MachineInfo.describe());
        report.put("model", model.toString());
        report.put("decode_tokens", tokens);
        report.put("competitor", "one process: sh -c 'while :; do :; done'");
        try (Engine engine = Engine.open(model, tokenizer, 0)) {
            int n = tokens;
            EngineRuns.ReferenceRun oneThread = () -> EngineRuns.decodePairs(engine, 1, n, 0, 1, null).oursMedian();
            report.put("uptime_quiet", MachineInfo.loadAverage());
            report.put("quiet", pairs(EngineRuns.decodePairs(engine, 2, tokens, 3, runs, oneThread)));
            Process competitor = new ProcessBuilder("sh", "-c", "while :; do :; done").start();
            try {
                Thread.sleep(2000);
                report.put("uptime_loaded", MachineInfo.loadAverage());
                report.put("competing", pairs(EngineRuns.decodePairs(engine, 2, tokens, 1, runs, oneThread)));
            } finally {
                competitor.destroyForcibly().waitFor();
            }
        }
        BenchRecord.emit(report, out);
    }

    private static Map<String, Object> pairs(DecodePairs p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("two_threads_tok_per_s", Rounded.all(p.ours()));
        m.put("one_thread_tok_per_s", Rounded.all(p.reference()));
        m.put("two_over_one_median", Rounded.of(p.ratioMedian()));
        return m;
    }
}
