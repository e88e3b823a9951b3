package io.sparkllama.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkllama.engine.Engine;
import io.sparkllama.engine.score.Loglikelihood;
import io.sparkllama.engine.score.LoglikelihoodResult;
import io.sparkllama.jobs.JobSummary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loglikelihood job on local[2]: values identical to the engine's Loglikelihood, is_greedy, error rows. */
class LoglikelihoodJobTest {
    @TempDir
    Path tmp;

    @Test
    void pairsMatchTheEngine() throws IOException {
        Path model = TestSpark.requireShared("models/stories260K");
        Path input = tmp.resolve("pairs.jsonl");
        Files.write(input, List.of(
                "{\"id\": 1, \"context\": \"Once upon a time\", \"continuation\": \", there was a little girl\"}",
                "{\"id\": 2, \"context\": \"Once upon a time\", \"continuation\": \", there was a purple girl\"}",
                "{\"id\": 3, \"context\": \"Tom had a \", \"continuation\": \"dog\"}",
                "{\"id\": 4, \"context\": \"\", \"continuation\": \"Once upon a time\"}",
                "{\"id\": 5, \"context\": \"Lily\", \"continuation\": \"\"}",
                "{\"id\": 6, \"context\": null, \"continuation\": \"x\"}"));
        String out = tmp.resolve("out").toString();
        JobSummary s = JobRunner.run("loglikelihood", input.toString(), out, model.toString(), "partitions=2");
        assertEquals(6, s.rows());
        assertEquals(2, s.errors());
        Map<Integer, Row> byId = new HashMap<>();
        for (Row r : TestSpark.session().read().parquet(out).collectAsList()) {
            assertNull(byId.put(((Number) r.getAs("id")).intValue(), r));
        }
        assertEquals(6, byId.size());
        assertEquals("continuation is empty", byId.get(5).getAs("error"));
        assertEquals("context is null", byId.get(6).getAs("error"));
        assertTrue((Boolean) byId.get(1).getAs("is_greedy"));
        assertFalse((Boolean) byId.get(2).getAs("is_greedy"));
        String[][] pairs = {{"Once upon a time", ", there was a little girl"}, {"Once upon a time", ", there was a purple girl"},
            {"Tom had a ", "dog"}, {"", "Once upon a time"}};
        try (Engine engine = Engine.open(model, null, 0); Loglikelihood ll = engine.newLoglikelihood(1)) {
            for (int i = 0; i < pairs.length; i++) {
                LoglikelihoodResult e = ll.compute(pairs[i][0], pairs[i][1]);
                Row r = byId.get(i + 1);
                assertNull(r.getAs("error"));
                assertEquals(e.sumLogprob(), (Double) r.getAs("sum_logprob"), 0, "row " + (i + 1));
                assertEquals(e.isGreedy(), r.getAs("is_greedy"));
                assertEquals(e.tokenCount(), (int) r.getAs("n_tokens"));
                assertArrayEquals(e.continuationTokens(), r.getList(r.fieldIndex("token_ids")).stream().mapToInt(x -> (Integer) x).toArray());
                assertEquals(e.contextTokens().length, (int) r.getAs("context_tokens"));
            }
        }
    }
}
