package io.sparkllama.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkllama.engine.score.ScoreResult;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Teacher-forced scoring against run.c: per-token logprobs within 1e-4, sums within 1e-4 relative. */
class GoldenScoreTest {

    @ParameterizedTest(name = "{0} threads={2}")
    @CsvSource({
        "stories260K, models/stories260K/stories260K.bin, 1",
        "stories260K, models/stories260K/stories260K.bin, 2",
        "synth15M, models/synth15M/synth15M.bin, 2",
    })
    void matchesRunC(String golden, String modelFile, int threads) {
        JsonNode g = SharedFiles.json("golden/" + golden + "/score.json");
        try (Engine engine = Engine.open(SharedFiles.require(modelFile), SharedFiles.goldenTokenizer(g), 0);
             InferenceSession session = engine.newSession(threads)) {
            for (JsonNode t : SharedFiles.items(g, "texts")) {
                ScoreResult r = GoldenText.score(engine, session, t);
                JsonNode positions = t.get("positions");
                for (int i = 0; i < r.scored(); i++) {
                    assertEquals(positions.get(i).get("logprob").asDouble(), r.logprobs()[i], 1e-4, "position " + i);
                }
                double sum = t.get("sum_logprob").asDouble();
                assertEquals(sum, r.sumLogprob(), Math.abs(sum) * 1e-4, "sum_logprob");
                assertEquals(t.get("perplexity").asDouble(), r.perplexity(), t.get("perplexity").asDouble() * 1e-3, "perplexity");
            }
        }
    }
}
