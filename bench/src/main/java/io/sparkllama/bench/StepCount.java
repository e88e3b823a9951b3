package io.sparkllama.bench;

import io.sparkllama.engine.generate.GenerationLoop;
import io.sparkllama.engine.generate.GenerationRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Forward steps a list of requests takes through one generator, streamed (as {@code GenerateRows}:
 * a request joins as another finishes, longest first among those waiting) or in micro-batches that
 * each wait for their longest request (as before streaming): a load-free measure of how full the
 * batch is kept. Also the positions the requests' tokens attend to (prompt and generated, the
 * attention work, which grows with each sequence's length) and the seconds the run took.
 */
final class StepCount {
    private StepCount() {
    }

    static Map<String, Object> streamed(GenerationLoop g, List<GenerationRequest> requests) {
        long steps0 = g.steps();
        long t0 = System.nanoTime();
        long[] tokens = {0};
        long[] attended = {0};
        PriorityQueue<Integer> waiting = new PriorityQueue<>((a, b) -> a.equals(b) ? 0
                : requests.get(a).maxTokens() != requests.get(b).maxTokens()
                        ? Integer.compare(requests.get(b).maxTokens(), requests.get(a).maxTokens()) : Integer.compare(a, b));
        for (int i = 0; i < requests.size(); i++) {
            waiting.add(i);
        }
        while (!waiting.isEmpty() || !g.isIdle()) {
            while (g.hasRoom() && !waiting.isEmpty()) {
                int i = waiting.poll();
                g.submit(i, requests.get(i));
            }
            g.step((tag, r) -> {
                tokens[0] += r.tokens().length;
                attended[0] += attended(r.promptTokens().length, r.tokens().length);
            });
        }
        return figures(g.steps() - steps0, tokens[0], attended[0], System.nanoTime() - t0);
    }

    static Map<String, Object> microBatches(GenerationLoop g, List<GenerationRequest> requests) {
        long steps0 = g.steps();
        long t0 = System.nanoTime();
        long tokens = 0;
        long attended = 0;
        for (int from = 0; from < requests.size(); from += g.maxBatch()) {
            for (var r : g.generateAll(requests.subList(from, Math.min(requests.size(), from + g.maxBatch())))) {
                tokens += r.tokens().length;
                attended += attended(r.promptTokens().length, r.tokens().length);
            }
        }
        return figures(g.steps() - steps0, tokens, attended, System.nanoTime() - t0);
    }

    /** Positions attended by a sequence's prompt and the tokens fed back: token at position i attends to i + 1. */
    private static long attended(int prompt, int generated) {
        long fed = prompt + Math.max(0, generated - 1); // the last token is sampled, never fed
        return fed * (fed + 1) / 2;
    }

    private static Map<String, Object> figures(long steps, long tokens, long attended, long nanos) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("steps", steps);
        m.put("generated_tokens", tokens);
        m.put("tokens_per_step", (double) tokens / steps);
        m.put("attended_positions", attended);
        m.put("seconds", nanos / 1e9);
        m.put("ms_per_step", nanos / 1e6 / steps);
        m.put("tok_per_s", tokens / (nanos / 1e9));
        return m;
    }
}
