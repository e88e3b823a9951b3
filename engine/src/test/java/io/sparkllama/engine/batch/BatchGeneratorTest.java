package io.sparkllama.engine.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkllama.engine.Engine;
import io.sparkllama.engine.InferenceSession;
import io.sparkllama.engine.SharedFiles;
import io.sparkllama.engine.generate.GenerationRequest;
import io.sparkllama.engine.generate.GenerationResult;
import io.sparkllama.engine.generate.LogitBias;
import io.sparkllama.engine.generate.SamplingParams;
import io.sparkllama.engine.model.KvBlockPool;
import io.sparkllama.engine.parallel.WorkerPool;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Continuous batching gives each request bitwise what it gets alone (a batch of one), whatever the batch and arrival order. */
class BatchGeneratorTest {

    /** fp32 weights, and Q8_0 / Q4_0 under int8 activations (the default), whose kernels differ for one and many tokens. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "models/stories260K/stories260K.bin, models/stories260K/tok512.bin",
        "models/stories260K-h192/gguf/stories260K-h192-q8_0.gguf, ",
        "models/stories260K-h192/gguf/stories260K-h192-q4_0-pure.gguf, ",
    })
    void tinyModelsMatchGeneratorWhateverTheBatch(String model, String tokenizer) {
        try (Engine engine = Engine.open(SharedFiles.require(model), tokenizer == null ? null : SharedFiles.require(tokenizer), 0)) {
            List<GenerationRequest> reqs = requests(engine, 11, 512);
            List<GenerationResult> expected = SameGenerations.alone(engine, reqs);
            for (int threads : new int[] {1, 2}) {
                try (WorkerPool pool = new WorkerPool(threads); KvBlockPool kv = engine.transformer().newBlockPool(engine.kvCacheMemory())) {
                    for (int maxBatch : new int[] {1, 5, 16}) {
                        for (int chunk : new int[] {3, 64}) {
                            BatchGenerator b = new BatchGenerator(engine.transformer(), engine.tokenizer(), pool, kv, maxBatch, chunk);
                            SameGenerations.assertSame(expected, b.generateAll(reqs), "threads=" + threads + " batch=" + maxBatch + " chunk=" + chunk);
                            if (chunk == 3) {
                                // Reused caches hold the previous call's keys: a second call must not see them.
                                SameGenerations.assertSame(expected, b.generateAll(reqs.reversed()).reversed(), "reused, threads=" + threads + " batch=" + maxBatch);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void synth15MMatchesGeneratorThroughTheSession() {
        try (Engine engine = Engine.open(SharedFiles.require("models/synth15M/synth15M.bin"),
                SharedFiles.require("models/llama2-tokenizer/tokenizer.bin"), 0);
                InferenceSession session = engine.newSession(2)) {
            List<GenerationRequest> reqs = requests(engine, 6, 200);
            List<GenerationResult> expected = SameGenerations.alone(engine, reqs);
            SameGenerations.assertSame(expected, session.generateAll(reqs, 4), "synth15M batch 4");
            SameGenerations.assertSame(expected, session.generateAll(reqs, 16), "synth15M batch 16");
        }
    }

    /**
     * Requests streamed in while others run (a shuffled arrival order, a few steps between
     * arrivals, as a Spark partition feeds them) finish bitwise as alone, at every batch size;
     * abandoning the batch midway gives every KV block back and leaves the generator usable.
     */
    @Test
    void streamedRequestsMatchAloneWhateverTheArrivalOrder() {
        try (Engine engine = Engine.open(SharedFiles.require("models/stories260K/stories260K.bin"),
                SharedFiles.require("models/stories260K/tok512.bin"), 0)) {
            List<GenerationRequest> reqs = requests(engine, 15, 300);
            List<GenerationResult> expected = SameGenerations.alone(engine, reqs);
            try (WorkerPool pool = new WorkerPool(2); KvBlockPool kv = engine.transformer().newBlockPool(engine.kvCacheMemory())) {
                for (int maxBatch : new int[] {1, 3, 8}) {
                    for (long order = 1; order <= 2; order++) {
                        BatchGenerator b = new BatchGenerator(engine.transformer(), engine.tokenizer(), pool, kv, maxBatch, 16);
                        List<Integer> arrival = new ArrayList<>();
                        for (int i = 0; i < reqs.size(); i++) {
                            arrival.add(i);
                        }
                        java.util.Collections.shuffle(arrival, new java.util.Random(order));
                        GenerationResult[] got = new GenerationResult[reqs.size()];
                        List<Long> finishOrder = new ArrayList<>();
                        BatchGenerator.Completions collect = (tag, r) -> {
                            finishOrder.add(tag);
                            got[(int) tag] = r;
                        };
                        int next = 0;
                        int steps = 0;
                        while (next < arrival.size() || !b.isIdle()) {
                            // One arrival every third step at most: requests join a batch already decoding.
                            if (next < arrival.size() && b.hasRoom() && steps++ % 3 == 0) {
                                int i = arrival.get(next++);
                                b.submit(i, reqs.get(i));
                            }
                            b.step(collect);
                        }
                        assertEquals(reqs.size(), finishOrder.size(), "each request is reported once");
                        SameGenerations.assertSame(expected, List.of(got), "streamed, batch=" + maxBatch + " order=" + order);
                        assertEquals(kv.capacityBlocks(), kv.freeBlocks(), "every block back");
                    }
                }
                BatchGenerator b = new BatchGenerator(engine.transformer(), engine.tokenizer(), pool, kv, 4, 16);
                for (int i = 0; i < 4; i++) {
                    b.submit(i, reqs.get(i));
                }
                List<Long> seen = new ArrayList<>();
                b.step((tag, r) -> seen.add(tag));
                b.step((tag, r) -> seen.add(tag));
                assertTrue(kv.freeBlocks() < kv.capacityBlocks(), "running sequences hold blocks");
                b.abandonAll(seen::add);
                assertEquals(kv.capacityBlocks(), kv.freeBlocks(), "abandoned sequences give their blocks back");
                assertTrue(b.isIdle());
                seen.sort(null);
                assertEquals(List.of(0L, 1L, 2L, 3L), seen, "each request is either finished or named as abandoned, once");
                SameGenerations.assertSame(expected, b.generateAll(reqs), "usable after abandoning");
            }
        }
    }

    /** Mixed prompt lengths (one over several chunks, one at the context edge), limits and samplers. */
    private static List<GenerationRequest> requests(Engine engine, int count, int maxPrompt) {
        SplittableRandom rnd = new SplittableRandom(7);
        int vocab = engine.config().vocabSize();
        int ctx = engine.contextLength();
        List<GenerationRequest> reqs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int len = switch (i % 5) {
                case 0 -> 1;
                case 1 -> 2 + rnd.nextInt(10);
                case 2 -> 70 + rnd.nextInt(30);
                case 3 -> Math.min(maxPrompt, ctx) - 3;
                default -> 5 + rnd.nextInt(20);
            };
            int[] prompt = new int[len];
            prompt[0] = 1;
            for (int t = 1; t < len; t++) {
                prompt[t] = 3 + rnd.nextInt(vocab - 3);
            }
            int maxTokens = i == 4 ? 0 : 1 + rnd.nextInt(40);
            SamplingParams p = switch (i % 3) {
                case 0 -> SamplingParams.GREEDY;
                case 1 -> new SamplingParams(0.9f, 0, 1f, 100 + i);
                default -> new SamplingParams(1.1f, 40, 0.9f, 200 + i);
            };
            if (i % 4 == 1) {
                // min-p, the penalties (per-sequence counts) and a bias: the same bits in any batch too.
                p = new SamplingParams(p.temperature(), p.topK(), p.topP(), p.seed(), 0.05f, 1.3f, 0.4f, 0.2f,
                        LogitBias.of(java.util.Map.of(5, 2f, 9, -100f)));
            }
            List<String> stop = i % 4 == 2 ? List.of("e ", ".") : List.of();
            reqs.add(new GenerationRequest(prompt, maxTokens, p, new int[0], stop));
        }
        return reqs;
    }
}
