package io.sparkllama.engine.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkllama.engine.Engine;
import io.sparkllama.engine.InferenceSession;
import io.sparkllama.engine.SharedFiles;
import io.sparkllama.engine.generate.SamplingParams;
import org.junit.jupiter.api.Test;

/**
 * {@code top_logprobs} of greedy generation against run.c's top 5 per position (ids and logprobs
 * within 1e-4); the chosen token's logprob equals its entry; sampled tokens too.
 */
class GenerateTopLogprobsTest {

    @Test
    void greedyTopFiveMatchRunC() {
        JsonNode g = SharedFiles.json("golden/stories260K/generate.json");
        try (Engine engine = Engine.open(SharedFiles.require("models/stories260K/stories260K.bin"), SharedFiles.goldenTokenizer(g), 0);
                InferenceSession session = engine.newSession(2)) {
            int checked = 0;
            for (JsonNode c : SharedFiles.items(g, "cases")) {
                String name = c.get("name").asText();
                int[] prompt = SharedFiles.ints(c.get("prompt_tokens"));
                int steps = c.get("steps").asInt();
                GenerationResult r = session.generate(new GenerationRequest(prompt, steps - prompt.length + 1, SamplingParams.GREEDY).withOutput(5, null));
                assertEquals(5, r.topK(), name);
                assertEquals(r.tokens().length * 5, r.topIds().length, name);
                JsonNode positions = c.get("positions");
                for (int i = 0; i < r.tokens().length && prompt.length - 1 + i < positions.size(); i++) {
                    JsonNode top5 = positions.get(prompt.length - 1 + i).get("top5");
                    for (int j = 0; j < 5; j++) {
                        assertEquals(top5.get(j).get("id").asInt(), r.topIds()[i * 5 + j], name + " token " + i + " rank " + j);
                        assertEquals(top5.get(j).get("logprob").asDouble(), r.topLogprobs()[i * 5 + j], 1e-4, name + " token " + i + " rank " + j);
                    }
                    assertEquals(r.tokens()[i], r.topIds()[i * 5], name + ": greedy picks the first alternative");
                    assertEquals(r.logprobs()[i], r.topLogprobs()[i * 5], name + ": the chosen token's logprob is its entry");
                    checked++;
                }
            }
            assertEquals(true, checked > 100, "positions checked: " + checked);
        }
    }

    @Test
    void sampledTokensFindTheirLogprobAmongTheAlternatives() {
        try (Engine engine = Engine.open(SharedFiles.require("models/stories260K/stories260K.bin"),
                SharedFiles.require("models/stories260K/tok512.bin"), 0); InferenceSession session = engine.newSession(1)) {
            int[] prompt = engine.tokenizer().encode("Once upon a time", true);
            GenerationResult r = session.generate(new GenerationRequest(prompt, 60, new SamplingParams(1f, 3, 1f, 11L)).withOutput(3, null));
            for (int i = 0; i < r.tokens().length; i++) {
                boolean found = false;
                for (int j = 0; j < 3; j++) {
                    if (r.topIds()[i * 3 + j] == r.tokens()[i]) {
                        assertEquals(r.logprobs()[i], r.topLogprobs()[i * 3 + j], "token " + i);
                        found = true;
                    }
                    if (j > 0) {
                        assertEquals(true, r.topLogprobs()[i * 3 + j] <= r.topLogprobs()[i * 3 + j - 1], "descending at token " + i);
                    }
                }
                assertEquals(true, found, "top_k 3 sampling picks one of the top 3 at token " + i);
            }
        }
    }
}
