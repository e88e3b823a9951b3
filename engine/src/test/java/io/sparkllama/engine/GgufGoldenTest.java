package io.sparkllama.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkllama.engine.generate.FinishReason;
import io.sparkllama.engine.generate.GenerationRequest;
import io.sparkllama.engine.generate.GenerationResult;
import io.sparkllama.engine.sampling.SamplingParams;
import io.sparkllama.engine.score.ScoreResult;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * GGUF models (tokenizer from their metadata) against run.c: F32 files of the same weights within
 * 1e-4, F16 within 0.02, quantized files against run.c on their dequantized weights within 1e-3.
 */
class GgufGoldenTest {

    @ParameterizedTest(name = "{1}")
    @CsvSource({
        "stories260K, models/stories260K/gguf/stories260K-f32.gguf, 1e-4, 1",
        "stories260K, models/stories260K/gguf/public-stories260K-f32.gguf, 1e-4, 2",
        "stories260K, models/stories260K/gguf/stories260K-f16.gguf, 0.02, 1",
        "stories260K-h192, models/stories260K-h192/gguf/stories260K-h192-f32.gguf, 1e-4, 1",
        "stories260K-h192-q8_0-dequant, models/stories260K-h192/gguf/stories260K-h192-q8_0.gguf, 1e-3, 1",
        "stories260K-h192-q4_0-dequant, models/stories260K-h192/gguf/stories260K-h192-q4_0.gguf, 1e-3, 2",
        "stories260K-h192-q4_0-pure-dequant, models/stories260K-h192/gguf/stories260K-h192-q4_0-pure.gguf, 1e-3, 1",
        "synth15M-q8_0-dequant, models/synth15M/gguf/synth15M-q8_0.gguf, 1e-3, 2",
        "synth15M-q4_0-dequant, models/synth15M/gguf/synth15M-q4_0.gguf, 1e-3, 2",
    })
    void generatesLikeRunC(String golden, String modelFile, double tolerance, int threads) {
        JsonNode g = SharedFiles.json("golden/" + golden + "/generate.json");
        double worst = 0;
        try (Engine engine = Engine.open(SharedFiles.require(modelFile), null, 0); InferenceSession session = engine.newSession(threads)) {
            for (JsonNode c : g.get("cases")) {
                String name = c.get("name").asText();
                int[] prompt = engine.tokenizer().encode(c.get("prompt").asText(), true);
                assertArrayEquals(SharedFiles.ints(c.get("prompt_tokens")), prompt, name + ": prompt tokens");
                int steps = c.get("steps").asInt();
                GenerationResult r = session.generate(new GenerationRequest(prompt, steps - prompt.length + 1, SamplingParams.GREEDY));
                int[] expected = SharedFiles.ints(c.get("generated_tokens"));
                int[] got = r.tokens();
                if (!c.get("stop_reason").asText().equals("steps")) {
                    assertEquals(FinishReason.STOP, r.finishReason(), name);
                    got = java.util.Arrays.copyOf(got, got.length - 1);
                }
                assertArrayEquals(expected, got, name + ": generated ids");
                JsonNode positions = c.get("positions");
                for (int i = 0; i < expected.length; i++) {
                    double want = positions.get(prompt.length - 1 + i).get("logprob").asDouble();
                    worst = Math.max(worst, Math.abs(want - r.logprobs()[i]));
                    assertEquals(want, r.logprobs()[i], tolerance, name + ": logprob of generated token " + i);
                }
            }
        }
        System.out.printf("%s generate: max |dlogprob| %.2e%n", modelFile, worst);
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource({
        "stories260K, models/stories260K/gguf/stories260K-f32.gguf, 1e-4",
        "stories260K, models/stories260K/gguf/stories260K-f16.gguf, 0.02",
        "stories260K-h192-q8_0-dequant, models/stories260K-h192/gguf/stories260K-h192-q8_0.gguf, 1e-3",
        "stories260K-h192-q4_0-dequant, models/stories260K-h192/gguf/stories260K-h192-q4_0.gguf, 1e-3",
        "stories260K-h192-q4_0-pure-dequant, models/stories260K-h192/gguf/stories260K-h192-q4_0-pure.gguf, 1e-3",
        "synth15M-q8_0-dequant, models/synth15M/gguf/synth15M-q8_0.gguf, 1e-3",
        "synth15M-q4_0-dequant, models/synth15M/gguf/synth15M-q4_0.gguf, 1e-3",
    })
    void scoresLikeRunC(String golden, String modelFile, double tolerance) {
        JsonNode g = SharedFiles.json("golden/" + golden + "/score.json");
        double worst = 0;
        try (Engine engine = Engine.open(SharedFiles.require(modelFile), null, 0); InferenceSession session = engine.newSession(2)) {
            for (JsonNode t : g.get("texts")) {
                int[] tokens = engine.tokenizer().encode(t.get("text").asText(), true);
                assertArrayEquals(SharedFiles.ints(t.get("tokens")), tokens, "tokens of " + t.get("name"));
                ScoreResult r = session.score(tokens);
                JsonNode positions = t.get("positions");
                assertEquals(positions.size(), r.scored());
                for (int i = 0; i < r.scored(); i++) {
                    double want = positions.get(i).get("logprob").asDouble();
                    worst = Math.max(worst, Math.abs(want - r.logprobs()[i]));
                    assertEquals(want, r.logprobs()[i], tolerance, "position " + i);
                }
            }
        }
        System.out.printf("%s score: max |dlogprob| %.2e%n", modelFile, worst);
        assertTrue(worst <= tolerance);
    }
}
