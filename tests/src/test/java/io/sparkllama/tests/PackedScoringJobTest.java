package io.sparkllama.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkllama.engine.Engine;
import io.sparkllama.engine.InferenceSession;
import io.sparkllama.engine.RollingScorer;
import io.sparkllama.engine.score.Loglikelihood;
import io.sparkllama.engine.score.LoglikelihoodResult;
import io.sparkllama.engine.score.ScoreResult;
import io.sparkllama.jobs.JobSummary;
import io.sparkllama.jobs.RunMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The score and loglikelihood jobs with packed steps and the prefix cache on and off: every value
 * bitwise what the engine gives each row alone, error rows in place, and the run record's counts
 * of positions requested and run.
 */
class PackedScoringJobTest {
    private static final String[] NAMES = {"Lily", "Tom", "Sue", "Ben", "Max", "Mia"};
    private static final String[] THINGS = {"a red ball", "a big dog", "a small cat", "a green tree", "a blue car"};

    @TempDir
    Path tmp;

    private static String story(int i) {
        return NAMES[i % NAMES.length] + " saw " + THINGS[i % THINGS.length] + " in the park and was happy.";
    }

    @Test
    void loglikelihoodChoicesShareTheirContextWithTheSameValues() throws IOException {
        Path model = TestSpark.requireShared("models/stories260K");
        String shots = "Once upon a time, there was a little girl named Lily. She liked to play outside with her friends every day. ";
        List<String> lines = new ArrayList<>();
        List<String[]> pairs = new ArrayList<>();
        for (int item = 0; item < 15; item++) {
            String context = shots + story(item) + " Then";
            for (int c = 0; c < 4; c++) {
                pairs.add(new String[] {context, " " + NAMES[(item + c) % NAMES.length].toLowerCase() + " ran to " + THINGS[c]});
            }
        }
        pairs.add(7, new String[] {"Lily", ""});
        for (int i = 0; i < pairs.size(); i++) {
            lines.add("{\"id\": " + i + ", \"context\": \"" + pairs.get(i)[0] + "\", \"continuation\": \"" + pairs.get(i)[1] + "\"}");
        }
        Path input = tmp.resolve("pairs.jsonl");
        Files.write(input, lines);
        Configuration hadoop = TestSpark.session().sparkContext().hadoopConfiguration();
        try (Engine engine = Engine.open(model, null, 0); Loglikelihood ll = engine.newLoglikelihood(1)) {
            for (String cache : new String[] {"true", "false"}) {
                String out = tmp.resolve("out-" + cache).toString();
                JobSummary s = JobRunner.run("loglikelihood", input.toString(), out, model.toString(), "partitions=2", "step_tokens=96",
                        "prefix_cache=" + cache);
                assertEquals(pairs.size(), s.rows());
                assertEquals(1, s.errors());
                Map<Integer, Row> byId = byId(out);
                assertEquals("continuation is empty", byId.get(7).getAs("error"));
                for (int i = 0; i < pairs.size(); i++) {
                    if (i == 7) {
                        continue;
                    }
                    LoglikelihoodResult e = ll.compute(pairs.get(i)[0], pairs.get(i)[1]);
                    Row r = byId.get(i);
                    assertNull(r.getAs("error"));
                    assertEquals(Double.doubleToLongBits(e.sumLogprob()), Double.doubleToLongBits(r.getAs("sum_logprob")), "row " + i);
                    assertEquals(e.isGreedy(), r.getAs("is_greedy"));
                    List<Float> lps = r.getList(r.fieldIndex("token_logprobs"));
                    for (int j = 0; j < e.logprobs().length; j++) {
                        assertEquals(Float.floatToIntBits(e.logprobs()[j]), Float.floatToIntBits(lps.get(j)), "row " + i + " token " + j);
                    }
                }
                Map<?, ?> counts = (Map<?, ?>) RunMetadata.read(out, hadoop).get("counts");
                long requested = ((Number) counts.get("positions_requested")).longValue();
                long computed = ((Number) counts.get("positions_computed")).longValue();
                assertEquals(s.inputTokens(), requested, "each pair asks for its context and all but its last continuation token");
                if (cache.equals("true")) {
                    // Two partitions each compute the shots once and each item's context about once.
                    assertTrue(computed * 2 < requested, computed + " of " + requested);
                } else {
                    assertEquals(requested, computed);
                }
            }
        }
    }

    @Test
    void scoreRowsWithASharedPromptLongRowsAndErrorsKeepTheEngineValues() throws IOException {
        Path model = TestSpark.requireShared("models/stories260K");
        String system = "You are a storyteller. Tell a short and happy story about animals and children for a small child. ";
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            texts.add(i % 4 == 3 ? story(i) : system + story(i));
        }
        texts.add(5, "");
        StringBuilder longText = new StringBuilder();
        for (int i = 0; longText.length() < 2600; i++) {
            longText.append(story(i)).append(' ');
        }
        texts.add(11, longText.toString().strip());
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            lines.add("{\"id\": " + i + ", \"text\": \"" + texts.get(i) + "\"}");
        }
        Path input = tmp.resolve("texts.jsonl");
        Files.write(input, lines);
        try (Engine engine = Engine.open(model, null, 256); InferenceSession alone = engine.newSession(1)) {
            RollingScorer rolling = new RollingScorer(alone, 100);
            for (String cache : new String[] {"true", "false"}) {
                String out = tmp.resolve("score-" + cache).toString();
                // With the cache on, group_by_prefix puts the prompt's rows together too; values must not move.
                JobSummary s = JobRunner.run("score", input.toString(), out, model.toString(), "context=256", "stride=100",
                        "partitions=2", "step_tokens=128", "prefix_cache=" + cache, "group_by_prefix=" + cache);
                assertEquals(texts.size(), s.rows());
                assertEquals(1, s.errors());
                Map<Integer, Row> byId = byId(out);
                assertEquals("text is empty", byId.get(5).getAs("error"));
                for (int i = 0; i < texts.size(); i++) {
                    if (i == 5) {
                        continue;
                    }
                    ScoreResult e = rolling.score(engine.tokenizer().encode(texts.get(i), true));
                    Row r = byId.get(i);
                    assertNull(r.getAs("error"), "row " + i);
                    assertEquals(Double.doubleToLongBits(e.sumLogprob()), Double.doubleToLongBits(r.getAs("sum_logprob")), "row " + i);
                    List<Float> lps = r.getList(r.fieldIndex("token_logprobs"));
                    assertEquals(e.logprobs().length, lps.size());
                    for (int j = 0; j < e.logprobs().length; j++) {
                        assertEquals(Float.floatToIntBits(e.logprobs()[j]), Float.floatToIntBits(lps.get(j)), "row " + i + " token " + j);
                    }
                }
                assertTrue(((List<?>) byId.get(11).getList(byId.get(11).fieldIndex("token_ids"))).size() > 256, "the long row spans windows");
                Map<?, ?> counts = (Map<?, ?>) RunMetadata.read(out, TestSpark.session().sparkContext().hadoopConfiguration()).get("counts");
                long requested = ((Number) counts.get("positions_requested")).longValue();
                long computed = ((Number) counts.get("positions_computed")).longValue();
                if (cache.equals("true")) {
                    // 18 rows share the ~25-token prompt: grouped, each partition computes it about once.
                    assertTrue(computed + 250 < requested, computed + " of " + requested);
                } else {
                    assertEquals(requested, computed);
                }
            }
        }
    }

    private static Map<Integer, Row> byId(String out) {
        Map<Integer, Row> byId = new HashMap<>();
        for (Row r : TestSpark.session().read().parquet(out).collectAsList()) {
            assertNull(byId.put(((Number) r.getAs("id")).intValue(), r));
        }
        return byId;
    }
}
