package io.sparkllama.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkllama.engine.format.LoadedModel;
import io.sparkllama.engine.format.meta.MetaCheckpointReader;
import io.sparkllama.engine.generate.GenerationRequest;
import io.sparkllama.engine.generate.GenerationResult;
import io.sparkllama.engine.generate.SamplingParams;
import io.sparkllama.engine.model.ModelConfig;
import io.sparkllama.engine.score.ScoreResult;
import org.junit.jupiter.api.Test;

/**
 * A random Llama 3.1-style Meta checkpoint (GQA, rope theta 500000, scaled RoPE, untied output,
 * BF16) against a PyTorch float32 run of Meta's model.py: logprobs within 1e-3, greedy ids identical.
 */
class TinyLlama3GoldenTest {

    private static Engine open() {
        MetaCheckpointReader.Result r = MetaCheckpointReader.read(SharedFiles.require("models/tiny-random-llama3/meta"));
        ModelConfig c = r.config();
        assertEquals(112, c.hiddenDim(), "hidden dim from multiple_of 16 and ffn_dim_multiplier 1.3");
        assertEquals(8, c.headSize());
        assertTrue(c.ropeScaling().enabled());
        LoadedModel m = new LoadedModel(c, r.weights(), new IdOnlyTokenizer(c.vocabSize()), "tiny-random-llama3", r.files());
        return Engine.open(m, 512);
    }

    @Test
    void scoresLikeMetaReference() {
        JsonNode g = SharedFiles.json("golden/tiny-random-llama3/score.json");
        double maxDelta = 0;
        try (Engine engine = open(); InferenceSession session = engine.newSession(1)) {
            for (JsonNode c : SharedFiles.items(g, "cases")) {
                ScoreResult r = session.score(SharedFiles.ints(c.get("token_ids")));
                JsonNode want = c.get("token_logprobs");
                assertEquals(want.size(), r.scored());
                for (int i = 0; i < want.size(); i++) {
                    maxDelta = Math.max(maxDelta, Math.abs(want.get(i).asDouble() - r.logprobs()[i]));
                }
            }
        }
        System.out.printf("tiny-random-llama3 score: max |dlogprob| %.3g%n", maxDelta);
        assertTrue(maxDelta <= 1e-3, "max |dlogprob| " + maxDelta);
    }

    @Test
    void generatesLikeMetaReference() {
        JsonNode g = SharedFiles.json("golden/tiny-random-llama3/generate.json");
        double maxDelta = 0;
        try (Engine engine = open(); InferenceSession session = engine.newSession(1)) {
            for (JsonNode c : SharedFiles.items(g, "cases")) {
                int[] expected = SharedFiles.ints(c.get("token_ids"));
                GenerationResult r = session.generate(new GenerationRequest(SharedFiles.ints(c.get("prompt_token_ids")),
                        expected.length, SamplingParams.GREEDY));
                assertArrayEquals(expected, r.tokens(), "greedy ids");
                JsonNode want = c.get("token_logprobs");
                for (int i = 0; i < expected.length; i++) {
                    maxDelta = Math.max(maxDelta, Math.abs(want.get(i).asDouble() - r.logprobs()[i]));
                }
            }
        }
        System.out.printf("tiny-random-llama3 generate: max |dlogprob| %.3g%n", maxDelta);
        assertTrue(maxDelta <= 1e-3, "max |dlogprob| " + maxDelta);
    }
}
