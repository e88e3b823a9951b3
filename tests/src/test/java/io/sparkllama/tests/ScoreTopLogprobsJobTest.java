package io.sparkllama.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkllama.engine.Engine;
import io.sparkllama.engine.InferenceSession;
import io.sparkllama.engine.score.PackedScorer;
import io.sparkllama.engine.score.ScoringRequest;
import io.sparkllama.engine.score.SequenceScore;
import io.sparkllama.jobs.JobConfigException;
import io.sparkllama.jobs.JobSummary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The score job's top_logprobs: the engine's alternatives per scored position, across rolling windows too. */
class ScoreTopLogprobsJobTest {
    @TempDir
    Path tmp;

    @Test
    void alternativesPerScoredPositionEqualTheEngine() throws IOException {
        Path model = TestSpark.requireShared("models/stories260K");
        String longText = "Once upon a time there was a little girl. ".repeat(60);
        Path input = tmp.resolve("texts.jsonl");
        Files.writeString(input, String.join("\n",
                "{\"id\": 1, \"text\": \"Once upon a time, there was a dog.\"}",
                "{\"id\": 2, \"text\": \"Lily liked to play in the park.\"}",
                "{\"id\": 3, \"text\": \"" + longText + "\"}") + "\n");
        String out = tmp.resolve("out").toString();
        JobSummary s = JobRunner.run("score", input.toString(), out, model.toString(), "top_logprobs=4", "partitions=2");
        assertEquals(3, s.rows());
        List<Row> rows = TestSpark.session().read().parquet(out).orderBy("id").collectAsList();
        try (Engine engine = Engine.open(model, null, 0); InferenceSession session = engine.newSession(1)) {
            for (Row r : rows) {
                assertNull(r.getAs("error"));
                List<Integer> ids = r.getList(r.fieldIndex("token_ids"));
                List<Float> lps = r.getList(r.fieldIndex("token_logprobs"));
                List<Object> top = r.getList(r.fieldIndex("top_logprobs"));
                assertEquals(lps.size(), top.size());
                assertEquals((int) r.getAs("n_scored"), top.size());
                int[] tokens = ids.stream().mapToInt(Integer::intValue).toArray();
                PackedScorer scorer = session.packedScorer(PackedScorer.DEFAULT_STEP_TOKENS, false);
                scorer.topLogprobs(4);
                SequenceScore expected = tokens.length <= engine.contextLength()
                        ? scorer.scoreAll(List.of(ScoringRequest.all(tokens))).get(0).orThrow() : null;
                for (int t = 0; t < top.size(); t++) {
                    List<Row> alt = alternatives(top, t);
                    assertEquals(4, alt.size());
                    for (int j = 0; j < 4; j++) {
                        int id = alt.get(j).getAs("id");
                        float lp = alt.get(j).getAs("logprob");
                        if (expected != null) {
                            assertEquals(expected.topIds()[t * 4 + j], id, "row " + r.getAs("id") + " position " + t);
                            assertEquals(expected.topLogprobs()[t * 4 + j], lp, 0f);
                        }
                        if (id == tokens[t + 1]) {
                            assertEquals(lps.get(t), lp, 0f, "the target's logprob is its entry");
                        }
                        if (j > 0) {
                            assertTrue(lp <= (float) alt.get(j - 1).getAs("logprob"));
                        }
                    }
                }
            }
            assertTrue(rows.get(2).getList(rows.get(2).fieldIndex("token_ids")).size() > engine.contextLength(), "row 3 spans windows");
        }
        assertThrows(JobConfigException.class, () -> JobRunner.run("score", input.toString(), tmp.resolve("x").toString(), model.toString(),
                "top_logprobs=50"));
    }

    @SuppressWarnings("unchecked")
    private static List<Row> alternatives(List<Object> top, int position) {
        return scala.jdk.javaapi.CollectionConverters.asJava((scala.collection.Seq<Row>) top.get(position));
    }
}
