package io.sparkllama.engine.batch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sparkllama.engine.Engine;
import io.sparkllama.engine.InferenceSession;
import io.sparkllama.engine.SharedFiles;
import io.sparkllama.engine.generate.GenerationRequest;
import io.sparkllama.engine.generate.GenerationResult;
import io.sparkllama.engine.generate.Generator;
import io.sparkllama.engine.model.KvBlockPool;
import io.sparkllama.engine.parallel.WorkerPool;
import io.sparkllama.engine.sampling.SamplingParams;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Continuous batching gives each request bitwise what the single-sequence Generator gives it. */
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
            List<GenerationResult> expected = single(engine, reqs);
            for (int threads : new int[] {1, 2}) {
                try (WorkerPool pool = new WorkerPool(threads); KvBlockPool kv = engine.transformer().newBlockPool(engine.kvCacheMemory())) {
                    for (int maxBatch : new int[] {1, 5, 16}) {
                        for (int chunk : new int[] {3, 64}) {
                            BatchGenerator b = new BatchGenerator(engine.transformer(), engine.tokenizer(), pool, kv, maxBatch, chunk);
                            assertSame(expected, b.generateAll(reqs), "threads=" + threads + " batch=" + maxBatch + " chunk=" + chunk);
                            if (chunk == 3) {
                                // Reused caches hold the previous call's keys: a second call must not see them.
                                assertSame(expected, b.generateAll(reqs.reversed()).reversed(), "reused, threads=" + threads + " batch=" + maxBatch);
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
            List<GenerationResult> expected = single(engine, reqs);
            assertSame(expected, session.generateAll(reqs, 4), "synth15M batch 4");
            assertSame(expected, session.generateAll(reqs, 16), "synth15M batch 16");
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
            reqs.add(new GenerationRequest(prompt, maxTokens, p));
        }
        return reqs;
    }

    private static List<GenerationResult> single(Engine engine, List<GenerationRequest> reqs) {
        try (WorkerPool pool = new WorkerPool(1); KvBlockPool kv = engine.transformer().newBlockPool(engine.kvCacheMemory())) {
            Generator g = new Generator(engine.transformer(), engine.tokenizer(), pool, kv, Engine.DEFAULT_CHUNK);
            List<GenerationResult> out = new ArrayList<>();
            for (GenerationRequest r : reqs) {
                out.add(g.generate(r));
            }
            return out;
        }
    }

    private static void assertSame(List<GenerationResult> expected, List<GenerationResult> got, String what) {
        assertEquals(expected.size(), got.size(), what);
        for (int i = 0; i < expected.size(); i++) {
            GenerationResult e = expected.get(i);
            GenerationResult g = got.get(i);
            String at = what + " request " + i;
            assertArrayEquals(e.tokens(), g.tokens(), at + " tokens");
            assertEquals(e.logprobs().length, g.logprobs().length, at);
            for (int t = 0; t < e.logprobs().length; t++) {
                assertEquals(Float.floatToRawIntBits(e.logprobs()[t]), Float.floatToRawIntBits(g.logprobs()[t]), at + " logprob " + t);
            }
            assertEquals(e.text(), g.text(), at + " text");
            assertEquals(e.finishReason(), g.finishReason(), at + " finish");
        }
    }
}
