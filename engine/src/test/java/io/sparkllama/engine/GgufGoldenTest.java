package io.sparkllama.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkllama.engine.generate.FinishReason;
import io.sparkllama.engine.generate.GenerationRequest;
import io.sparkllama.engine.generate.GenerationResult;
import io.sparkllama.engine.generate.SamplingParams;
import io.sparkllama.engine.score.ScoreResult;
import io.sparkllama.engine.settings.ActivationPrecision;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * GGUF models (tokenizer from their metadata) against run.c: F32 files of the same weights within
 * 1e-4, F16 within 0.02, quantized files against run.c on their dequantized weights within 1e-3.
 */
class GgufGoldenTest {

    @ParameterizedTest(name = "{1}")
    @CsvSource({
        "stories260K, models/stories260K/gguf/stories260K-f32.gguf, 1e-4, 1, FP32",
        "stories260K, models/stories260K/gguf/public-stories260K-f32.gguf, 1e-4, 2, FP32",
        "stories260K, models/stories260K/gguf/stories260K-f16.gguf, 0.02, 1, FP32",
        "stories260K-h192, models/stories260K-h192/gguf/stories260K-h192-f32.gguf, 1e-4, 1, FP32",
        "stories260K-h192-q8_0-dequant, models/stories260K-h192/gguf/stories260K-h192-q8_0.gguf, 1e-3, 1, FP32",
        "stories260K-h192-q4_0-dequant, models/stories260K-h192/gguf/stories260K-h192-q4_0.gguf, 1e-3, 2, FP32",
        "stories260K-h192-q4_0-pure-dequant, models/stories260K-h192/gguf/stories260K-h192-q4_0-pure.gguf, 1e-3, 1, FP32",
        "synth15M-q8_0-dequant, models/synth15M/gguf/synth15M-q8_0.gguf, 1e-3, 2, FP32",
        "synth15M-q4_0-dequant, models/synth15M/gguf/synth15M-q4_0.gguf, 1e-3, 2, FP32",
    })
    void generatesLikeRunC(String golden, String modelFile, double tolerance, int threads, ActivationPrecision precision) {
        JsonNode g = SharedFiles.json("golden/" + golden + "/generate.json");
        double worst = 0;
        try (Engine engine = Engine.open(SharedFiles.require(modelFile), null, 0, precision); InferenceSession session = engine.newSession(threads)) {
            for (JsonNode c : SharedFiles.items(g, "cases")) {
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
        System.out.printf("%s %s generate: max |dlogprob| %.2e%n", modelFile, precision, worst);
    }

    @ParameterizedTest(name = "{1} {3}")
    @CsvSource({
        "stories260K, models/stories260K/gguf/stories260K-f32.gguf, 1e-4, FP32",
        "stories260K, models/stories260K/gguf/stories260K-f16.gguf, 0.02, FP32",
        "stories260K-h192-q8_0-dequant, models/stories260K-h192/gguf/stories260K-h192-q8_0.gguf, 1e-3, FP32",
        "stories260K-h192-q4_0-dequant, models/stories260K-h192/gguf/stories260K-h192-q4_0.gguf, 1e-3, FP32",
        "stories260K-h192-q4_0-pure-dequant, models/stories260K-h192/gguf/stories260K-h192-q4_0-pure.gguf, 1e-3, FP32",
        "synth15M-q8_0-dequant, models/synth15M/gguf/synth15M-q8_0.gguf, 1e-3, FP32",
        "synth15M-q4_0-dequant, models/synth15M/gguf/synth15M-q4_0.gguf, 1e-3, FP32",
        "stories260K-h192-gguf-q8_0, models/stories260K-h192/gguf/stories260K-h192-q8_0.gguf, 1, INT8",
        "stories260K-h192-gguf-q4_0, models/stories260K-h192/gguf/stories260K-h192-q4_0.gguf, 1, INT8",
        "stories260K-h192-gguf-q4_0-pure, models/stories260K-h192/gguf/stories260K-h192-q4_0-pure.gguf, 1, INT8",
        "synth15M-gguf-q8_0, models/synth15M/gguf/synth15M-q8_0.gguf, 1, INT8",
        "synth15M-gguf-q4_0, models/synth15M/gguf/synth15M-q4_0.gguf, 1, INT8",
    })
    void scoresLikeRunC(String golden, String modelFile, double tolerance, ActivationPrecision precision) {
        if (precision == ActivationPrecision.INT8) {
            scoresLikeLlamaCpp(golden, modelFile);
            return;
        }
        JsonNode g = SharedFiles.json("golden/" + golden + "/score.json");
        double worst = 0;
        try (Engine engine = Engine.open(SharedFiles.require(modelFile), null, 0, precision); InferenceSession session = engine.newSession(2)) {
            for (JsonNode t : SharedFiles.items(g, "texts")) {
                ScoreResult r = GoldenText.score(engine, session, t);
                JsonNode positions = t.get("positions");
                for (int i = 0; i < r.scored(); i++) {
                    double want = positions.get(i).get("logprob").asDouble();
                    worst = Math.max(worst, Math.abs(want - r.logprobs()[i]));
                    assertEquals(want, r.logprobs()[i], tolerance, "position " + i);
                }
            }
        }
        System.out.printf("%s %s score: max |dlogprob| %.2e%n", modelFile, precision, worst);
        assertTrue(worst <= tolerance);
    }

    /**
     * INT8 activations against llama.cpp's own logprobs: the first positions of every text agree
     * within 2e-4 (measured: 5e-6; FP32 activations are 0.06-0.17 off there already). Later positions drift
     * apart once one activation rounds the other way somewhere (a tie, or llama.cpp's batched
     * quantization path); these tiny models amplify that, so the whole text is held to a mean.
     */
    private static void scoresLikeLlamaCpp(String golden, String modelFile) {
        JsonNode g = SharedFiles.json("golden/" + golden + "/score.json");
        double worstHead = 0;
        double total = 0;
        int count = 0;
        try (Engine engine = Engine.open(SharedFiles.require(modelFile), null, 0, ActivationPrecision.INT8);
             InferenceSession session = engine.newSession(2)) {
            for (JsonNode t : SharedFiles.items(g, "texts")) {
                ScoreResult r = GoldenText.score(engine, session, t);
                JsonNode positions = t.get("positions");
                for (int i = 0; i < r.scored(); i++) {
                    double diff = Math.abs(positions.get(i).get("logprob").asDouble() - r.logprobs()[i]);
                    if (i < HEAD) {
                        worstHead = Math.max(worstHead, diff);
                        assertEquals(0, diff, 2e-4, t.get("name") + " position " + i);
                    }
                    total += diff;
                    count++;
                }
            }
        }
        System.out.printf("%s INT8 vs llama.cpp: first %d positions max |dlogprob| %.2e, mean over all %.2e%n",
                modelFile, HEAD, worstHead, total / count);
        assertTrue(total / count < 0.03, "mean |dlogprob| against llama.cpp " + total / count);
    }

    private static final int HEAD = 4;
}
