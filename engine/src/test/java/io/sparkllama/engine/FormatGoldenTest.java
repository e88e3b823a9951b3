package io.sparkllama.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkllama.engine.generate.GenerationRequest;
import io.sparkllama.engine.generate.GenerationResult;
import io.sparkllama.engine.generate.SamplingParams;
import io.sparkllama.engine.score.ScoreResult;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The stories260K weights in Hugging Face and Meta containers (F32 and BF16) against run.c. */
class FormatGoldenTest {

    @ParameterizedTest(name = "{1}")
    @CsvSource({
        "stories260K, models/stories260K/hf",
        "stories260K, models/stories260K/hf/model.safetensors",
        "stories260K, models/stories260K/meta",
        "stories260K, models/stories260K/meta/consolidated.00.pth",
        "stories260K-bf16, models/stories260K/meta-bf16",
    })
    void scoresAndGeneratesLikeRunC(String golden, String model) {
        Path tok = SharedFiles.require("models/stories260K/tok512.bin");
        double maxDelta = 0;
        try (Engine engine = Engine.open(SharedFiles.require(model), tok, 0); InferenceSession session = engine.newSession(1)) {
            JsonNode score = SharedFiles.json("golden/" + golden + "/score.json");
            for (JsonNode t : SharedFiles.items(score, "texts")) {
                int[] tokens = SharedFiles.ints(t.get("tokens"));
                ScoreResult r = session.score(tokens);
                JsonNode positions = t.get("positions");
                assertEquals(positions.size(), r.scored());
                for (int i = 0; i < r.scored(); i++) {
                    maxDelta = Math.max(maxDelta, Math.abs(positions.get(i).get("logprob").asDouble() - r.logprobs()[i]));
                }
            }
            JsonNode gen = SharedFiles.json("golden/" + golden + "/generate.json");
            for (JsonNode c : SharedFiles.items(gen, "cases")) {
                int[] prompt = SharedFiles.ints(c.get("prompt_tokens"));
                int steps = c.get("steps").asInt();
                GenerationResult r = session.generate(new GenerationRequest(prompt, steps - prompt.length + 1, SamplingParams.GREEDY));
                int[] expected = SharedFiles.ints(c.get("generated_tokens"));
                int[] got = Arrays.copyOf(r.tokens(), expected.length);
                assertArrayEquals(expected, got, c.get("name") + ": generated ids");
                JsonNode positions = c.get("positions");
                for (int i = 0; i < expected.length; i++) {
                    double want = positions.get(prompt.length - 1 + i).get("logprob").asDouble();
                    maxDelta = Math.max(maxDelta, Math.abs(want - r.logprobs()[i]));
                }
            }
        }
        System.out.printf("%s vs golden/%s: max |dlogprob| %.3g%n", model, golden, maxDelta);
        assertTrue(maxDelta <= 1e-4, model + ": max |dlogprob| " + maxDelta);
    }
}
