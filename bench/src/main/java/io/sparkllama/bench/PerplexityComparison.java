package io.sparkllama.bench;

import io.sparkllama.engine.Engine;
import io.sparkllama.engine.score.PerplexityResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Perplexity of {@code golden/ppl_text.txt} the llama.cpp way ({@code -c 128}) by our engine and by
 * llama-perplexity, on the same stories260K-h192 GGUF files and thread counts: both figures and
 * both speeds (tokens scored per wall-clock second).
 */
final class PerplexityComparison {
    static final int CTX = 128;
    private static final String[] TYPES = {"f32", "q8_0", "q4_0"};

    private PerplexityComparison() {
    }

    static List<Object> run(Path shared, int[] threads, LlamaCppReference ref) throws Exception {
        Path text = shared.resolve("golden/ppl_text.txt");
        String content = Files.readString(text);
        List<Object> rows = new ArrayList<>();
        for (String type : TYPES) {
            Path model = shared.resolve("models/stories260K-h192/gguf/stories260K-h192-" + type + ".gguf");
            try (Engine engine = Engine.open(model, null, CTX)) {
                int[] tokens = engine.tokenizer().encode(content, true);
                for (int t : threads) {
                    Map<String, Object> row = row(engine, model, text, tokens, t, ref);
                    System.err.println("[bench] perplexity " + row);
                    rows.add(row);
                }
            }
        }
        return rows;
    }

    private static Map<String, Object> row(Engine engine, Path model, Path text, int[] tokens, int threads,
                                           LlamaCppReference ref) throws Exception {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("model", model.getFileName().toString());
        row.put("threads", threads);
        EngineRuns.TimedPerplexity ours = EngineRuns.perplexity(engine, threads, tokens, CTX);
        PerplexityResult r = ours.result();
        double wall = ours.wallNanos() / 1e9;
        row.put("ppl", round(r.perplexity(), 4));
        row.put("scored_tokens", r.nScored());
        row.put("wall_s", round(wall, 3));
        row.put("scored_tok_per_s", round(r.nScored() / wall, 1));
        row.put("run_tok_per_s", round(r.tokensRun() / wall, 1));
        LlamaCppReference.Perplexity p = ref.perplexity(model, text, CTX, threads);
        row.put("llama_cpp_ppl", round(p.ppl(), 4));
        row.put("llama_cpp_scored_tokens", p.scoredTokens());
        row.put("llama_cpp_wall_s", round(p.wallSeconds(), 3));
        row.put("llama_cpp_scored_tok_per_s", round(p.scoredTokPerSec(), 1));
        row.put("llama_cpp_eval_tok_per_s", round(p.evalTokPerSec(), 1));
        row.put("ratio_scored_tok_per_s", round(r.nScored() / wall / p.scoredTokPerSec(), 2));
        return row;
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
