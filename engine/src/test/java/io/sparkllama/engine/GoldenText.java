package io.sparkllama.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkllama.engine.score.ScoreResult;

/** One text of a golden {@code score.json}: encoded and scored, its token ids and scored count checked. */
final class GoldenText {
    private GoldenText() {
    }

    static ScoreResult score(Engine engine, InferenceSession session, JsonNode text) {
        int[] tokens = engine.tokenizer().encode(text.get("text").asText(), true);
        assertArrayEquals(SharedFiles.ints(text.get("tokens")), tokens, "tokens of " + text.get("name"));
        ScoreResult r = session.score(tokens);
        assertEquals(text.get("positions").size(), r.scored(), "scored positions of " + text.get("name"));
        return r;
    }
}
