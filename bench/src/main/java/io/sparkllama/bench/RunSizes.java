package io.sparkllama.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How much one GGUF shape cell runs, by model size: a 1B model decodes at a few tok/s on one
 * thread here, so it gets fewer tokens and repetitions, keeping the whole {@code --shapes} run
 * near 15 minutes on two cores. Our decode and llama-bench's tg generate the same number of
 * tokens; our prefill/scoring and its pp take the same prompt length.
 *
 * @param decodeTokens new tokens per decode run (ours) and llama-bench {@code -n}
 * @param decodeRuns   our timed decode runs (median), after at least one warm-up run, each paired
 *                     with one llama-bench tg run
 * @param promptTokens prefill and scoring length (ours) and llama-bench {@code -p}
 * @param promptRuns   our timed prefill and scoring runs (median) each
 * @param llamaReps    llama-bench {@code -r} for pp (it adds one warm-up run of its own)
 */
record RunSizes(int decodeTokens, int decodeRuns, int promptTokens, int promptRuns, int llamaReps) {
    private static final long SMALL = 50_000_000L;
    private static final long MEDIUM = 500_000_000L;

    static RunSizes of(ModelCost cost) {
        if (cost.matmulParams() < SMALL) {
            return new RunSizes(64, 9, 128, 5, 5);
        }
        if (cost.matmulParams() < MEDIUM) {
            return new RunSizes(64, 3, 128, 3, 3);
        }
        return new RunSizes(32, 3, 64, 2, 2);
    }

    /** For the JSON, in its key style. */
    Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("decode_tokens", decodeTokens);
        m.put("decode_runs", decodeRuns);
        m.put("prompt_tokens", promptTokens);
        m.put("prompt_runs", promptRuns);
        m.put("llama_bench_reps", llamaReps);
        return m;
    }
}
