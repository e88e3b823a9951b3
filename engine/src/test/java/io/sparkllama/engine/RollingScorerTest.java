package io.sparkllama.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkllama.engine.error.InvalidRequestException;
import io.sparkllama.engine.score.ScoreResult;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Rolling windows: identical to plain scoring when the text fits; hand-checked windows when it does not. */
class RollingScorerTest {
    private static final Path MODEL = Path.of("models/stories260K/stories260K.bin");

    @Test
    void fittingTextIsOneWindowAndMatchesGolden() {
        JsonNode g = SharedFiles.json("golden/stories260K/score.json");
        try (Engine engine = Engine.open(SharedFiles.require(MODEL.toString()), SharedFiles.goldenTokenizer(g), 0);
             InferenceSession session = engine.newSession(1)) {
            RollingScorer rolling = new RollingScorer(session, 0);
            assertEquals(256, rolling.stride(), "default stride is half the context");
            for (JsonNode t : SharedFiles.items(g, "texts")) {
                int[] tokens = SharedFiles.ints(t.get("tokens"));
                ScoreResult plain = session.score(tokens);
                ScoreResult r = rolling.score(tokens);
                assertArrayEquals(plain.logprobs(), r.logprobs());
                for (int i = 0; i < r.scored(); i++) {
                    assertEquals(t.get("positions").get(i).get("logprob").asDouble(), r.logprobs()[i], 1e-4);
                }
                assertEquals(t.get("sum_logprob").asDouble(), r.sumLogprob(), 1e-3);
            }
        }
    }

    @Test
    void windowsAreHandChecked() {
        JsonNode g = SharedFiles.json("golden/stories260K/score.json");
        try (Engine small = Engine.open(SharedFiles.require(MODEL.toString()), SharedFiles.goldenTokenizer(g), 16);
             InferenceSession session = small.newSession(1)) {
            RollingScorer rolling = new RollingScorer(session, 5);
            // N = 40, C = 16, S = 5: ends 16, 21, 26, 31, 36, 40; each later window is full (start = end - 16).
            RollingScorer.Windows w = rolling.windows(40);
            assertArrayEquals(new int[] {0, 5, 10, 15, 20, 24}, w.starts());
            assertArrayEquals(new int[] {16, 21, 26, 31, 36, 40}, w.ends());
            assertArrayEquals(new int[] {0}, rolling.windows(16).starts());
            assertArrayEquals(new int[] {0, 1}, rolling.windows(17).starts());
            assertThrows(InvalidRequestException.class, () -> new RollingScorer(session, 16));
        }
    }

    @Test
    void longTextScoresEachTokenOnceWithItsWindowContext() {
        JsonNode g = SharedFiles.json("golden/stories260K/score.json");
        int[] tokens = SharedFiles.ints(g.get("texts").get(0).get("tokens")); // 81 tokens
        try (Engine small = Engine.open(SharedFiles.require(MODEL.toString()), SharedFiles.goldenTokenizer(g), 16);
             InferenceSession session = small.newSession(1);
             Engine full = Engine.open(SharedFiles.require(MODEL.toString()), SharedFiles.goldenTokenizer(g), 0);
             InferenceSession reference = full.newSession(1)) {
            RollingScorer rolling = new RollingScorer(session, 5);
            ScoreResult r = rolling.score(tokens);
            assertEquals(tokens.length - 1, r.scored(), "every token after the first scored exactly once");
            RollingScorer.Windows w = rolling.windows(tokens.length);
            double sum = 0;
            for (int target = 1; target < tokens.length; target++) {
                int k = 0;
                while (w.ends()[k] <= target) {
                    k++;
                }
                int start = w.starts()[k];
                assertTrue(k == 0 || target - start >= 16 - 5, "context of token " + target);
                // By hand: score exactly the window's tokens up to the target on the full-context engine.
                ScoreResult slice = reference.score(Arrays.copyOfRange(tokens, start, target + 1));
                assertEquals(slice.logprobs()[slice.scored() - 1], r.logprobs()[target - 1], 1e-5, "token " + target);
                sum += r.logprobs()[target - 1];
            }
            assertEquals(sum, r.sumLogprob(), 1e-6);
            // Windowed context is shorter than the whole text, so later tokens differ from full scoring.
            ScoreResult whole = reference.score(tokens);
            assertEquals(whole.logprobs()[5], r.logprobs()[5], 1e-5, "first window = full context");
        }
    }
}
