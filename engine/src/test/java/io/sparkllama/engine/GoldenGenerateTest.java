package io.sparkllama.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkllama.engine.generate.FinishReason;
import io.sparkllama.engine.generate.GenerationRequest;
import io.sparkllama.engine.generate.GenerationResult;
import io.sparkllama.engine.generate.SamplingParams;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Greedy generation against llama2.c run.c: identical ids, logprobs within 1e-4, identical text. */
class GoldenGenerateTest {

    @ParameterizedTest(name = "{0} threads={2}")
    @CsvSource({
        "stories260K, models/stories260K/stories260K.bin, 1",
        "stories260K, models/stories260K/stories260K.bin, 2",
        "stories260K-h192, models/stories260K-h192/stories260K-h192.bin, 1",
        "synth15M, models/synth15M/synth15M.bin, 2",
    })
    void matchesRunC(String golden, String modelFile, int threads) {
        JsonNode g = SharedFiles.json("golden/" + golden + "/generate.json");
        Path model = SharedFiles.require(modelFile);
        Path tokenizer = SharedFiles.goldenTokenizer(g);
        try (Engine engine = Engine.open(model, tokenizer, 0); InferenceSession session = engine.newSession(threads)) {
            for (JsonNode c : SharedFiles.items(g, "cases")) {
                String name = c.get("name").asText();
                int[] prompt = engine.tokenizer().encode(c.get("prompt").asText(), true);
                assertArrayEquals(SharedFiles.ints(c.get("prompt_tokens")), prompt, name + ": prompt tokens");
                int steps = c.get("steps").asInt();
                GenerationResult r = session.generate(new GenerationRequest(prompt, steps - prompt.length + 1, SamplingParams.GREEDY));
                int[] expected = SharedFiles.ints(c.get("generated_tokens"));
                boolean stopped = !c.get("stop_reason").asText().equals("steps");
                int[] got = r.tokens();
                if (stopped) {
                    assertEquals(FinishReason.STOP, r.finishReason(), name);
                    // run.c does not print the stop token; we report it as the last generated id.
                    got = java.util.Arrays.copyOf(got, got.length - 1);
                }
                assertArrayEquals(expected, got, name + ": generated ids");
                JsonNode positions = c.get("positions");
                for (int i = 0; i < expected.length; i++) {
                    JsonNode p = positions.get(prompt.length - 1 + i);
                    assertEquals(expected[i], p.get("next").asInt(), name + ": golden position layout");
                    assertEquals(p.get("logprob").asDouble(), r.logprobs()[i], 1e-4, name + ": logprob of generated token " + i);
                }
                String goldenText = c.get("text").asText();
                assertEquals(goldenText, c.get("prompt").asText() + r.text(), name + ": text");
            }
        }
    }
}
