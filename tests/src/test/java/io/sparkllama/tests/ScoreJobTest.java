package io.sparkllama.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkllama.engine.Engine;
import io.sparkllama.engine.InferenceSession;
import io.sparkllama.engine.RollingScorer;
import io.sparkllama.engine.score.ScoreResult;
import io.sparkllama.jobs.JobConfigException;
import io.sparkllama.jobs.JobSummary;
import io.sparkllama.jobs.RunMetadata;
import io.sparkllama.udfs.ExecutorModels;
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

/** The score job on local[2]: golden logprobs, rolling windows past the context, error rows, recorded metadata. */
class ScoreJobTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void scoresMatchGoldenAndTheEngine() throws IOException {
        Path model = TestSpark.requireShared("models/stories260K");
        JsonNode golden = JSON.readTree(TestSpark.requireShared("golden/stories260K/score.json").toFile());
        List<String> lines = new ArrayList<>();
        int id = 0;
        for (JsonNode t : golden.get("texts")) {
            lines.add(JSON.writeValueAsString(Map.of("id", ++id, "text", t.get("text").asText())));
        }
        String longText = golden.get("texts").get(0).get("text").asText().repeat(9); // ~700 tokens, over the 512 context
        lines.add(JSON.writeValueAsString(Map.of("id", 4, "text", longText)));
        lines.add("{\"id\": 5, \"text\": null}");
        lines.add("{\"id\": 6, \"text\": \"\"}");
        Path input = tmp.resolve("texts.jsonl");
        Files.write(input, lines);
        String out = tmp.resolve("out").toString();

        int loadsBefore = ExecutorModels.loadCount();
        JobSummary s = JobRunner.run("score", input.toString(), out, model.toString(), "partitions=3", "batch_size=2", "stride=128");
        assertEquals(6, s.rows());
        assertEquals(2, s.errors());
        assertTrue(ExecutorModels.loadCount() - loadsBefore <= 1, "the model is loaded at most once in this JVM for this handle");

        Map<Integer, Row> byId = new HashMap<>();
        for (Row r : TestSpark.session().read().parquet(out).collectAsList()) {
            assertNull(byId.put(((Number) r.getAs("id")).intValue(), r), "duplicate id");
        }
        assertEquals(6, byId.size(), "rows in = rows out");
        assertEquals("text is null", byId.get(5).getAs("error"));
        assertEquals("text is empty", byId.get(6).getAs("error"));

        for (int i = 0; i < 3; i++) {
            JsonNode t = golden.get("texts").get(i);
            Row r = byId.get(i + 1);
            assertNull(r.getAs("error"));
            assertArrayEquals(ints(t.get("tokens")), r.getList(r.fieldIndex("token_ids")).stream().mapToInt(x -> (Integer) x).toArray());
            List<Float> lps = r.getList(r.fieldIndex("token_logprobs"));
            assertEquals(t.get("positions").size(), lps.size());
            assertEquals(lps.size(), (int) r.getAs("n_scored"));
            for (int p = 0; p < lps.size(); p++) {
                assertEquals(t.get("positions").get(p).get("logprob").asDouble(), lps.get(p), 1e-4, "text " + i + " position " + p);
            }
            assertEquals(t.get("sum_logprob").asDouble(), (Double) r.getAs("sum_logprob"), 1e-3);
            assertEquals(t.get("mean_nll").asDouble(), (Double) r.getAs("mean_nll"), 1e-4);
            assertEquals(t.get("perplexity").asDouble(), (Double) r.getAs("perplexity"), t.get("perplexity").asDouble() * 1e-4);
        }

        Row long4 = byId.get(4);
        try (Engine engine = Engine.open(model, null, 0); InferenceSession session = engine.newSession(1)) {
            int[] tokens = engine.tokenizer().encode(longText, true);
            assertTrue(tokens.length > 512, "the long text exceeds the context: " + tokens.length);
            ScoreResult expected = new RollingScorer(session, 128).score(tokens);
            List<Float> lps = long4.getList(long4.fieldIndex("token_logprobs"));
            assertEquals(tokens.length - 1, lps.size(), "every token after BOS scored once");
            for (int p = 0; p < lps.size(); p++) {
                assertEquals(expected.logprobs()[p], lps.get(p), 0f, "position " + p);
            }
            assertEquals(expected.sumLogprob(), (Double) long4.getAs("sum_logprob"), 0);
        }

        Map<String, Object> meta = RunMetadata.read(out, TestSpark.session().sparkContext().hadoopConfiguration());
        assertEquals("score", meta.get("job"));
        String recorded = meta.toString();
        assertTrue(recorded.contains("b0a507e7") && recorded.contains("stories260K.bin"), recorded);
        assertTrue(recorded.contains("stride=128"), recorded);
    }

    @Test
    void balancingByLengthAndBatchSizeChangeNothingButPlacement() throws IOException {
        Path model = TestSpark.requireShared("models/stories260K");
        Path input = TestSpark.repo().resolve("datasets/samples/story-texts.jsonl");
        String plain = tmp.resolve("plain").toString();
        String balanced = tmp.resolve("balanced").toString();
        JobRunner.run("score", input.toString(), plain, model.toString(), "batch_size=1");
        JobSummary s = JobRunner.run("score", input.toString(), balanced, model.toString(), "balance_by_length=true", "partitions=3", "batch_size=4");
        assertEquals(6, s.rows());
        assertEquals(TestSpark.session().read().parquet(plain).orderBy("id").collectAsList(),
                TestSpark.session().read().parquet(balanced).orderBy("id").collectAsList());
    }

    /**
     * {@code activations=fp32} scores a Q8_0 GGUF as run.c scores its dequantized weights; the
     * default (int8) as llama.cpp does over the first positions; the choice is recorded, and a
     * wrong value is refused before anything runs.
     */
    @Test
    void activationsSettingChoosesHowQ8WeightsMultiply() throws IOException {
        Path model = TestSpark.requireShared("models/stories260K-h192/gguf/stories260K-h192-q8_0.gguf");
        JsonNode dequant = JSON.readTree(TestSpark.requireShared("golden/stories260K-h192-q8_0-dequant/score.json").toFile());
        JsonNode llamaCpp = JSON.readTree(TestSpark.requireShared("golden/stories260K-h192-gguf-q8_0/score.json").toFile());
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < dequant.get("texts").size(); i++) {
            lines.add(JSON.writeValueAsString(Map.of("id", i, "text", dequant.get("texts").get(i).get("text").asText())));
        }
        Path input = tmp.resolve("texts.jsonl");
        Files.write(input, lines);
        String fp32 = tmp.resolve("fp32").toString();
        String int8 = tmp.resolve("int8").toString();
        JobRunner.run("score", input.toString(), fp32, model.toString(), "activations=fp32");
        JobRunner.run("score", input.toString(), int8, model.toString());

        Map<Integer, Row> a = byId(fp32);
        Map<Integer, Row> b = byId(int8);
        double largestGap = 0;
        for (int i = 0; i < lines.size(); i++) {
            JsonNode run = dequant.get("texts").get(i).get("positions");
            JsonNode ref = llamaCpp.get("texts").get(i).get("positions");
            List<Float> lpA = a.get(i).getList(a.get(i).fieldIndex("token_logprobs"));
            List<Float> lpB = b.get(i).getList(b.get(i).fieldIndex("token_logprobs"));
            assertEquals(run.size(), lpA.size());
            for (int p = 0; p < lpA.size(); p++) {
                assertEquals(run.get(p).get("logprob").asDouble(), lpA.get(p), 1e-4, "fp32, text " + i + " position " + p);
                largestGap = Math.max(largestGap, Math.abs(lpA.get(p) - lpB.get(p)));
            }
            for (int p = 0; p < 4; p++) {
                assertEquals(ref.get(p).get("logprob").asDouble(), lpB.get(p), 2e-4, "int8, text " + i + " position " + p);
            }
        }
        assertTrue(largestGap > 1e-3, "int8 and fp32 activations give different numbers: largest gap " + largestGap);

        Configuration hadoop = TestSpark.session().sparkContext().hadoopConfiguration();
        assertTrue(RunMetadata.read(fp32, hadoop).get("model").toString().contains("activations=fp32"));
        assertTrue(RunMetadata.read(int8, hadoop).get("model").toString().contains("activations=int8"));
        JobConfigException wrong = assertThrows(JobConfigException.class,
                () -> JobRunner.run("score", input.toString(), tmp.resolve("x").toString(), model.toString(), "activations=int4"));
        assertEquals("score: setting activations must be one of int8, fp32, got 'int4'", wrong.getMessage());
    }

    private static Map<Integer, Row> byId(String out) {
        Map<Integer, Row> rows = new HashMap<>();
        for (Row r : TestSpark.session().read().parquet(out).collectAsList()) {
            rows.put(((Number) r.getAs("id")).intValue(), r);
        }
        return rows;
    }

    private static int[] ints(JsonNode a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asInt();
        }
        return out;
    }
}
