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
 * batch is kept.
 */
final class StepCount {
    private StepCount() {
    }

    static Map<String, Object> streamed(GenerationLoop g, List<GenerationRequest> requests) {
        long steps0 = g.steps();
        long[] tokens = {0};
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
            g.step((tag, r) -> tokens[0] += r.tokens().length);
        }
        return figures(g.steps() - steps0, tokens[0]);
    }

    static Map<String, Object> microBatches(GenerationLoop g, List<GenerationRequest> requests) {
        long steps0 = g.steps();
        long tokens = 0;
        for (int from = 0; from < requests.size(); from += g.maxBatch()) {
            for (var r : g.generateAll(requests.subList(from, Math.min(requests.size(), from + g.maxBatch())))) {
                tokens += r.tokens().length;
            }
        }
        return figures(g.steps() - steps0, tokens);
    }

    private static Map<String, Object> figures(long steps, long tokens) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("steps", steps);
        m.put("generated_tokens", tokens);
        m.put("tokens_per_step", (double) tokens / steps);
        return m;
    }
}
