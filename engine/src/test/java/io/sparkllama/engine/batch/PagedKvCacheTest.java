package io.sparkllama.engine.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkllama.engine.DeclaredContext;
import io.sparkllama.engine.Engine;
import io.sparkllama.engine.InferenceSession;
import io.sparkllama.engine.SharedFiles;
import io.sparkllama.engine.error.KvCacheBudgetException;
import io.sparkllama.engine.generate.GenerationRequest;
import io.sparkllama.engine.generate.GenerationResult;
import io.sparkllama.engine.generate.SamplingParams;
import io.sparkllama.engine.model.KvBlockPool;
import io.sparkllama.engine.parallel.WorkerPool;
import io.sparkllama.engine.score.ScoreResult;
import io.sparkllama.engine.settings.ActivationPrecision;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The KV cache is paged within a byte budget: never sized by the declared context, same bits whatever the budget. */
class PagedKvCacheTest {
    private static final String GGUF = "models/stories260K/gguf/stories260K-f32.gguf";

    /** Old code: 5 layers x 1M positions x 32 x 2 floats = 1.25 GiB per sequence on a 2 GiB test heap; now blocks as needed. */
    @Test
    void millionTokenDeclaredContextGivesTheSameBitsAsFiveTwelve(@TempDir Path dir) throws Exception {
        Path shared = SharedFiles.require(GGUF);
        Path ctx512 = DeclaredContext.copyWithContext(shared, dir, 512);
        Path ctx1m = DeclaredContext.copyWithContext(shared, dir, 1 << 20);
        try (Engine small = Engine.open(ctx512, null, 0); Engine big = Engine.open(ctx1m, null, 0);
             InferenceSession a = small.newSession(2); InferenceSession b = big.newSession(2)) {
            assertEquals(512, small.contextLength());
            assertEquals(1 << 20, big.contextLength());
            List<GenerationRequest> reqs = requests(small, 9, 300);
            SameGenerations.assertSame(a.generateAll(reqs, 4), b.generateAll(reqs, 4), "batch");
            for (GenerationRequest r : reqs.subList(0, 3)) {
                SameGenerations.assertSame(List.of(a.generate(r)), List.of(b.generate(r)), "single");
            }
            int[] text = small.tokenizer().encode("Once upon a time, there was a little girl named Lily. She liked to play outside.", true);
            ScoreResult sa = a.score(text);
            ScoreResult sb = b.score(text);
            assertEquals(sa.logprobs().length, sb.logprobs().length);
            for (int i = 0; i < sa.logprobs().length; i++) {
                assertEquals(Float.floatToRawIntBits(sa.logprobs()[i]), Float.floatToRawIntBits(sb.logprobs()[i]), "score " + i);
            }
            // Blocks were taken for what ran, not for the declared context, and all went back.
            assertTrue(b.kvPool().allocatedBytes() <= KvBlockPool.blocksFor(4 * 340) * b.kvPool().blockBytes(),
                    "allocated " + b.kvPool().allocatedBytes());
            assertEquals(b.kvPool().capacityBlocks(), b.kvPool().freeBlocks());
        }
    }

    /** A pool too small for the whole batch: sequences wait or are preempted and recomputed, bitwise as alone; blocks are reused. */
    @Test
    void smallPoolPreemptsAndReusesBlocksWithTheSameBits() {
        Path model = SharedFiles.require(GGUF);
        try (Engine engine = Engine.open(model, null, 0)) {
            List<GenerationRequest> reqs = requests(engine, 12, 200);
            List<GenerationResult> expected = SameGenerations.alone(engine, reqs);
            int need = 0;
            for (GenerationRequest r : reqs) {
                need = Math.max(need, KvBlockPool.blocksFor(Math.min(engine.contextLength(), r.promptTokens().length + r.maxTokens())));
            }
            for (int threads : new int[] {1, 2}) {
                try (WorkerPool pool = new WorkerPool(threads);
                     KvBlockPool kv = engine.transformer().newBlockPool((need + 1) * blockBytes(engine))) {
                    BatchGenerator batch = new BatchGenerator(engine.transformer(), engine.tokenizer(), pool, kv, 8, 16);
                    SameGenerations.assertSame(expected, batch.generateAll(reqs), "threads " + threads);
                    assertTrue(batch.preemptions() > 0, "the pool of " + kv.capacityBlocks() + " blocks forced preemptions");
                    assertEquals(kv.capacityBytes(), kv.allocatedBytes(), "every block of the budget used");
                    assertEquals(kv.capacityBlocks(), kv.freeBlocks(), "every block given back");
                    SameGenerations.assertSame(expected, batch.generateAll(reqs), "second run on reused blocks");
                    assertEquals(kv.capacityBytes(), kv.allocatedBytes(), "no block allocated past the budget");
                }
            }
        }
    }

    @Test
    void requestThatCannotFitAloneNamesTokensBytesAndSetting() {
        Path model = SharedFiles.require(GGUF);
        try (Engine engine = Engine.open(model, null, 0, ActivationPrecision.INT8, 3 * blockBytes(model))) {
            try (InferenceSession s = engine.newSession(1)) {
                assertEquals(3, s.kvPool().capacityBlocks());
                int[] prompt = new int[90];
                prompt[0] = 1;
                java.util.Arrays.fill(prompt, 1, 90, 20);
                GenerationRequest fits = new GenerationRequest(prompt, 7, SamplingParams.GREEDY); // 96 positions
                GenerationRequest over = new GenerationRequest(prompt, 8, SamplingParams.GREEDY); // 97
                assertEquals(7, s.generate(fits).tokens().length);
                KvCacheBudgetException e = assertThrows(KvCacheBudgetException.class, () -> s.generateAll(List.of(fits, over), 2));
                String m = e.getMessage();
                assertTrue(m.contains("97 positions") && m.contains("prompt 90 + up to 8 new tokens") && m.contains("kv_cache_memory")
                        && m.contains(4 * blockBytes(model) + " bytes") && m.contains("kv_cache_memory = " + 3 * blockBytes(model) + " bytes") && m.contains("room for 96 positions"), m);
                assertThrows(KvCacheBudgetException.class, () -> s.generate(over));
                assertThrows(KvCacheBudgetException.class, () -> s.check(over));
                assertEquals(7, s.check(fits));
                int[] text = new int[98];
                java.util.Arrays.fill(text, 20);
                KvCacheBudgetException se = assertThrows(KvCacheBudgetException.class, () -> s.score(text));
                assertTrue(se.getMessage().contains("97 positions") && se.getMessage().contains("98 tokens to score"), se.getMessage());
                assertEquals(96, s.score(java.util.Arrays.copyOf(text, 97)).logprobs().length); // 96 positions run: exactly the budget
                assertEquals(3, s.kvPool().freeBlocks(), "failed requests give their blocks back");
            }
        }
    }

    private static long blockBytes(Engine engine) {
        return engine.transformer().newBlockPool(0).blockBytes();
    }

    private static long blockBytes(Path model) {
        try (Engine e = Engine.open(model, null, 0)) {
            return blockBytes(e);
        }
    }

    private static List<GenerationRequest> requests(Engine engine, int count, int maxPrompt) {
        SplittableRandom rnd = new SplittableRandom(11);
        int vocab = engine.config().vocabSize();
        List<GenerationRequest> reqs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int len = switch (i % 4) {
                case 0 -> 1;
                case 1 -> 2 + rnd.nextInt(30);
                case 2 -> maxPrompt - rnd.nextInt(40);
                default -> 33 + rnd.nextInt(60);
            };
            int[] prompt = new int[len];
            prompt[0] = 1;
            for (int t = 1; t < len; t++) {
                prompt[t] = 3 + rnd.nextInt(vocab - 3);
            }
            SamplingParams p = i % 2 == 0 ? SamplingParams.GREEDY : new SamplingParams(1.0f, 0, 1f, 300 + i);
            reqs.add(new GenerationRequest(prompt, 20 + rnd.nextInt(40), p));
        }
        return reqs;
    }
}
