package io.sparkllama.engine.batch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sparkllama.engine.Engine;
import io.sparkllama.engine.generate.GenerationRequest;
import io.sparkllama.engine.generate.GenerationResult;
import io.sparkllama.engine.model.KvBlockPool;
import io.sparkllama.engine.parallel.WorkerPool;
import java.util.ArrayList;
import java.util.List;

/** The reference the batch tests compare with (each request generated alone) and the bit-for-bit comparison. */
final class SameGenerations {
    private SameGenerations() {
    }

    /** Each request alone: a batch of one on one thread, with the engine's KV budget. */
    static List<GenerationResult> alone(Engine engine, List<GenerationRequest> reqs) {
        try (WorkerPool pool = new WorkerPool(1); KvBlockPool kv = engine.transformer().newBlockPool(engine.kvCacheMemory())) {
            BatchGenerator g = new BatchGenerator(engine.transformer(), engine.tokenizer(), pool, kv, 1, Engine.DEFAULT_CHUNK);
            List<GenerationResult> out = new ArrayList<>();
            for (GenerationRequest r : reqs) {
                out.add(g.generateAll(List.of(r)).get(0));
            }
            return out;
        }
    }

    /** Same tokens, the same logprob bits, text and finish reason, request by request. */
    static void assertSame(List<GenerationResult> expected, List<GenerationResult> got, String what) {
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
