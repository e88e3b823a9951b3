package io.sparkllama.engine.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkllama.engine.Engine;
import io.sparkllama.engine.InferenceSession;
import io.sparkllama.engine.SharedFiles;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Score-time {@code top_logprobs}: teacher-forcing run.c's generated sequences, every position's
 * top 5 equals run.c's (ids, logprobs within 1e-4), with prefix sharing asked for (it is then off)
 * and several sequences packed in one step.
 */
class ScoreTopLogprobsTest {

    @Test
    void packedTopFiveMatchRunCAtEveryPosition() {
        JsonNode g = SharedFiles.json("golden/stories260K/generate.json");
        try (Engine engine = Engine.open(SharedFiles.require("models/stories260K/stories260K.bin"), SharedFiles.goldenTokenizer(g), 0);
                InferenceSession session = engine.newSession(2)) {
            PackedScorer scorer = session.packedScorer(64, true);
            scorer.topLogprobs(5);
            List<ScoringRequest> requests = new ArrayList<>();
            List<JsonNode> cases = new ArrayList<>();
            for (JsonNode c : SharedFiles.items(g, "cases")) {
                requests.add(ScoringRequest.all(SharedFiles.ints(c.get("all_tokens"))));
                cases.add(c);
            }
            List<SequenceScore> scores = scorer.scoreAll(requests);
            int checked = 0;
            for (int i = 0; i < cases.size(); i++) {
                SequenceScore s = scores.get(i).orThrow();
                JsonNode positions = cases.get(i).get("positions");
                assertEquals(s.logprobs().length * 5, s.topIds().length);
                for (int t = 0; t < s.logprobs().length; t++) {
                    JsonNode p = positions.get(t);
                    assertEquals(t, p.get("pos").asInt());
                    for (int j = 0; j < 5; j++) {
                        assertEquals(p.get("top5").get(j).get("id").asInt(), s.topIds()[t * 5 + j], "case " + i + " pos " + t + " rank " + j);
                        assertEquals(p.get("top5").get(j).get("logprob").asDouble(), s.topLogprobs()[t * 5 + j], 1e-4,
                                "case " + i + " pos " + t + " rank " + j);
                        if (s.topIds()[t * 5 + j] == p.get("next").asInt()) {
                            assertEquals(s.logprobs()[t], s.topLogprobs()[t * 5 + j], "the target's logprob is its entry");
                        }
                    }
                    checked++;
                }
            }
            assertTrue(checked > 100, "positions checked: " + checked);
            assertEquals(scorer.positionsRequested(), scorer.positionsComputed(), "no prefix reused while top_logprobs is on");
        }
    }
}
