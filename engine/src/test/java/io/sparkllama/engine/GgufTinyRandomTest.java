package io.sparkllama.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkllama.engine.generate.GenerationRequest;
import io.sparkllama.engine.generate.GenerationResult;
import io.sparkllama.engine.generate.SamplingParams;
import io.sparkllama.engine.score.ScoreResult;
import io.sparkllama.engine.tensor.WeightType;
import org.junit.jupiter.api.Test;

/**
 * The public tiny random Llama 2 GGUF (F16, dim 8: rows shorter than a vector) loads with its
 * 32000-token vocabulary, and decoding agrees with teacher-forced scoring of the same tokens.
 */
class GgufTinyRandomTest {

    @Test
    void decodeAgreesWithScoring() {
        try (Engine engine = Engine.open(SharedFiles.require("models/tiny-random-llama2/llama-2-tiny-random.gguf"), null, 64);
             InferenceSession session = engine.newSession(1)) {
            assertEquals(8, engine.config().dim());
            assertEquals(32000, engine.config().vocabSize());
            assertEquals(WeightType.F16, engine.transformer().weights().wq()[0].type());
            int[] prompt = engine.tokenizer().encode("Hello world", true);
            assertEquals(java.util.List.of(1, 15043, 3186), java.util.Arrays.stream(prompt).boxed().toList());
            GenerationResult g = session.generate(new GenerationRequest(prompt, 20, SamplingParams.GREEDY));
            int[] all = new int[prompt.length + g.tokens().length];
            System.arraycopy(prompt, 0, all, 0, prompt.length);
            System.arraycopy(g.tokens(), 0, all, prompt.length, g.tokens().length);
            ScoreResult s = session.score(all);
            for (int i = 0; i < g.tokens().length; i++) {
                float decoded = g.logprobs()[i];
                assertTrue(Float.isFinite(decoded) && decoded <= 0, "logprob " + decoded);
                assertEquals(s.logprobs()[prompt.length - 1 + i], decoded, 1e-5, "generated token " + i);
            }
        }
    }
}
