package io.sparkllama.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkllama.datasets.InputTableException;
import io.sparkllama.engine.Engine;
import io.sparkllama.engine.InferenceSession;
import io.sparkllama.engine.error.ModelFormatException;
import io.sparkllama.engine.generate.GenerationRequest;
import io.sparkllama.engine.generate.GenerationResult;
import io.sparkllama.engine.generate.SamplingParams;
import io.sparkllama.jobs.GenerateJob;
import io.sparkllama.jobs.JobArguments;
import io.sparkllama.jobs.JobConfigException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generate job end to end on local[2]: rows in = rows out, engine-identical completions, error rows. */
class GenerateJobTest {
    @TempDir
    Path tmp;

    private static final String[] OPTIONS = {"input", "output", "model", "tokenizer"};

    private io.sparkllama.jobs.JobSummary run(String input, String output, String model, String... settings) {
        String[] args = new String[] {"generate", "--input", input, "--output", output, "--model", model};
        String[] all = new String[args.length + settings.length * 2];
        System.arraycopy(args, 0, all, 0, args.length);
        for (int i = 0; i < settings.length; i++) {
            all[args.length + 2 * i] = "--set";
            all[args.length + 2 * i + 1] = settings[i];
        }
        JobArguments a = JobArguments.parse("generate", all, 1, Set.of(OPTIONS), Set.of());
        return GenerateJob.run(TestSpark.session(), a, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    @Test
    void completionsEqualTheEngineAndBadRowsGetErrors() throws IOException {
        Path model = TestSpark.requireShared("models/stories260K");
        String longPrompt = "once upon a time ".repeat(200);
        Path input = tmp.resolve("prompts.jsonl");
        Files.writeString(input, String.join("\n",
                "{\"id\": 1, \"prompt\": \"Once upon a time\"}",
                "{\"id\": 2, \"prompt\": \"Lily said, \\\"Mom, can we go to the park today?\\\"\"}",
                "{\"id\": 3, \"prompt\": null}",
                "{\"id\": 4, \"prompt\": \"\"}",
                "{\"id\": 5, \"prompt\": \"" + longPrompt + "\"}",
                "{\"id\": 6, \"prompt\": \"The little fish\", \"temperature\": 0.9, \"seed\": 11}",
                "{\"id\": 7, \"prompt\": \"Tom had a dog\", \"max_tokens\": 5}",
                "{\"id\": 8}",
                "{\"id\": 9, \"prompt\": \"Mia found a shiny stone\"}") + "\n");
        String out = tmp.resolve("out").toString();
        io.sparkllama.jobs.JobSummary s = run(input.toString(), out, model.toString(), "max_tokens=24", "partitions=3");
        assertEquals(9, s.rows());
        assertEquals(4, s.errors());

        SparkSession spark = TestSpark.session();
        List<Row> rows = spark.read().parquet(out).orderBy("id").collectAsList();
        assertEquals(9, rows.size(), "rows in = rows out");
        Map<Long, Row> byId = new HashMap<>();
        for (Row r : rows) {
            assertNull(byId.put(r.getAs("id"), r), "duplicate id " + r.getAs("id"));
        }
        assertEquals("prompt is null", byId.get(3L).getAs("error"));
        assertEquals("prompt is empty", byId.get(4L).getAs("error"));
        assertTrue(((String) byId.get(5L).getAs("error")).contains("over the context of 512"), (String) byId.get(5L).getAs("error"));
        assertEquals("prompt is null", byId.get(8L).getAs("error"));

        try (Engine engine = Engine.open(model, null, 0); InferenceSession session = engine.newSession(1)) {
            for (long id : new long[] {1, 2, 6, 7, 9}) {
                Row r = byId.get(id);
                assertNull(r.getAs("error"), "row " + id);
                String prompt = r.getAs("prompt");
                float temperature = id == 6 ? 0.9f : 0f;
                long seed = id == 6 ? 11 : 42;
                int maxTokens = id == 7 ? 5 : 24;
                int[] promptTokens = engine.tokenizer().encode(prompt, true);
                GenerationResult expected = session.generate(new GenerationRequest(promptTokens, maxTokens, new SamplingParams(temperature, 0, 1f, seed)));
                assertEquals(expected.text(), r.getAs("completion"), "completion of row " + id);
                assertEquals(promptTokens.length, (int) r.getAs("prompt_tokens"));
                List<Integer> ids = r.getList(r.fieldIndex("token_ids"));
                List<Float> lps = r.getList(r.fieldIndex("token_logprobs"));
                assertArrayEquals(expected.tokens(), ids.stream().mapToInt(Integer::intValue).toArray(), "ids of row " + id);
                for (int i = 0; i < lps.size(); i++) {
                    assertEquals(expected.logprobs()[i], lps.get(i), 0f, "logprob " + i + " of row " + id);
                }
                assertEquals(expected.finishReason().label(), r.getAs("finish_reason"));
            }
        }
        // The golden greedy continuation of "Once upon a time" (run.c), first 24 tokens.
        List<Integer> first = byId.get(1L).getList(byId.get(1L).fieldIndex("token_ids"));
        assertEquals(List.of(432, 383, 286, 261, 376, 298, 315, 421, 395, 317, 426, 338, 401, 396, 267, 337, 410, 408, 419, 292, 411, 322, 265, 282), first);
        assertEquals(5, byId.get(7L).getList(byId.get(7L).fieldIndex("token_ids")).size());
    }

    /**
     * Rows stream through the running batch (a row joins as another finishes): whatever the batch
     * size, partitioning and arrival order, every row gets bitwise the same tokens and logprobs.
     */
    @Test
    void sameBitsWhateverTheBatchSizePartitionsAndArrivalOrder() throws IOException {
        Path model = TestSpark.requireShared("models/stories260K");
        String[] openings = {"Once upon a time", "Tom had a dog", "The little fish", "Lily said", "Mia found a shiny stone"};
        List<String> lines = new java.util.ArrayList<>();
        for (int i = 0; i < 30; i++) {
            // 80% short, 20% long completions (as the throughput benchmark), sampled with per-row seeds.
            lines.add("{\"id\": " + i + ", \"prompt\": \"" + openings[i % openings.length] + " " + i + "\", \"max_tokens\": "
                    + (i % 5 == 2 ? 80 : 4) + ", \"seed\": " + (1000 + i) + "}");
        }
        Path forward = tmp.resolve("forward.jsonl");
        Files.writeString(forward, String.join("\n", lines) + "\n");
        Path reversed = tmp.resolve("reversed.jsonl");
        Files.writeString(reversed, String.join("\n", lines.reversed()) + "\n");
        List<Row> expected = null;
        String[][] runs = {{forward.toString(), "batch_size=1", "partitions=1"}, {reversed.toString(), "batch_size=3", "partitions=3"},
            {forward.toString(), "batch_size=32", "partitions=2"}};
        for (String[] r : runs) {
            String out = tmp.resolve("out-" + r[1] + "-" + r[2]).toString();
            assertEquals(30, run(r[0], out, model.toString(), "temperature=0.8", r[1], r[2]).rows());
            List<Row> rows = TestSpark.session().read().parquet(out).orderBy("id")
                    .select("id", "completion", "token_ids", "token_logprobs", "finish_reason").collectAsList();
            assertEquals(30, rows.size());
            if (expected == null) {
                expected = rows;
                assertTrue(rows.stream().anyMatch(row -> row.getList(2).size() > 20), "long rows ran past the short ones");
                continue;
            }
            for (int i = 0; i < rows.size(); i++) {
                assertEquals(expected.get(i).getList(2), rows.get(i).getList(2), String.join(" ", r) + ": ids of row " + i);
                List<Float> want = expected.get(i).getList(3);
                List<Float> got = rows.get(i).getList(3);
                for (int t = 0; t < want.size(); t++) {
                    assertEquals(Float.floatToRawIntBits(want.get(t)), Float.floatToRawIntBits(got.get(t)), String.join(" ", r) + ": row " + i + " logprob " + t);
                }
                assertEquals(expected.get(i).getString(1), rows.get(i).getString(1));
                assertEquals(expected.get(i).getString(4), rows.get(i).getString(4));
            }
        }
    }

    @Test
    void parquetInputWorksToo() throws IOException {
        Path model = TestSpark.requireShared("models/stories260K");
        SparkSession spark = TestSpark.session();
        Path parquet = tmp.resolve("in.parquet");
        spark.createDataFrame(List.of(
                org.apache.spark.sql.RowFactory.create("a", "Once upon a time"),
                org.apache.spark.sql.RowFactory.create("b", "Tom and his dog")),
                new org.apache.spark.sql.types.StructType().add("id", "string").add("prompt", "string"))
            .write().parquet(parquet.toString());
        String out = tmp.resolve("out").toString();
        assertEquals(2, run(parquet.toString(), out, model.toString(), "max_tokens=8").rows());
        List<Row> rows = spark.read().parquet(out).orderBy("id").collectAsList();
        assertEquals("a", rows.get(0).getAs("id"));
        try (Engine engine = Engine.open(model, null, 0)) {
            int[] golden = {432, 383, 286, 261, 376, 298, 315, 421}; // run.c's greedy continuation
            assertEquals(engine.tokenizer().decode(378, golden, 0, golden.length), rows.get(0).getAs("completion"));
            assertEquals(", there was a little girl", rows.get(0).getAs("completion"));
        }
        assertNotNull(rows.get(1).getAs("completion"));

        // The run's record beside the Parquet: model files with sha256, sampling settings.
        Map<String, Object> meta = io.sparkllama.jobs.RunMetadata.read(out, spark.sparkContext().hadoopConfiguration());
        assertEquals("generate", meta.get("job"));
        @SuppressWarnings("unchecked")
        Map<String, Object> settings = (Map<String, Object>) meta.get("settings");
        assertEquals(8, settings.get("max_tokens"));
        assertEquals(0.0, ((Number) settings.get("temperature")).doubleValue());
        assertEquals(1.0, ((Number) settings.get("top_p")).doubleValue());
        assertEquals(42, settings.get("seed"));
        String files = meta.get("model").toString();
        assertTrue(files.contains("sha256=b0a507e7ad0f626624f17112325e66691f9076d622e1d3274d103d00299f2696"), files);
        assertTrue(files.contains("tok512.bin"), files);
    }

    /** Issue 23: a job's output is every input column (name, type, value) first, then the result columns. */
    @Test
    void everyInputColumnIsKeptFirstThenTheResults() throws IOException {
        Path model = TestSpark.requireShared("models/stories260K");
        Path input = tmp.resolve("extra.jsonl");
        Files.writeString(input, String.join("\n",
                "{\"id\": 1, \"prompt\": \"Once upon a time\", \"topic\": \"girl\", \"weight\": 0.5, \"max_tokens\": 3}",
                "{\"id\": 2, \"prompt\": \"The dog\", \"topic\": null, \"weight\": 2.0}") + "\n");
        String out = tmp.resolve("extra-out").toString();
        run(input.toString(), out, model.toString(), "max_tokens=6");
        SparkSession spark = TestSpark.session();
        org.apache.spark.sql.types.StructType in = spark.read().json(input.toString()).schema();
        org.apache.spark.sql.types.StructType written = spark.read().parquet(out).schema();
        List<String> expected = new java.util.ArrayList<>(List.of(in.fieldNames()));
        expected.addAll(List.of("completion", "prompt_tokens", "token_ids", "token_logprobs", "finish_reason", "error", "top_logprobs"));
        assertEquals(expected, List.of(written.fieldNames()));
        for (int i = 0; i < in.fields().length; i++) {
            assertEquals(in.fields()[i].dataType(), written.fields()[i].dataType(), in.fields()[i].name());
        }
        List<Row> rows = spark.read().parquet(out).orderBy("id").collectAsList();
        assertEquals(2, rows.size());
        assertEquals("girl", rows.get(0).getAs("topic"));
        assertEquals(0.5, (double) rows.get(0).getAs("weight"));
        assertGenerated(rows.get(0), 3, "the row's own max_tokens");
        assertNull(rows.get(1).getAs("topic"));
        assertEquals(2.0, (double) rows.get(1).getAs("weight"));
        assertGenerated(rows.get(1), 6, "the job's max_tokens");
    }

    /** {@code maxTokens} generated, or fewer ending at a stop token. */
    private static void assertGenerated(Row r, int maxTokens, String what) {
        assertNull(r.getAs("error"), what);
        int n = r.getList(r.fieldIndex("token_ids")).size();
        String finish = r.getAs("finish_reason");
        assertTrue(n == maxTokens && finish.equals("length") || n < maxTokens && finish.equals("stop"), what + ": " + n + " tokens, " + finish);
    }

    @Test
    void badModelFailsOnTheDriverBeforeAnyTask() throws IOException {
        Path input = tmp.resolve("p.jsonl");
        Files.writeString(input, "{\"id\": 1, \"prompt\": \"hi\"}\n");
        byte[] model = Files.readAllBytes(TestSpark.requireShared("models/stories260K/stories260K.bin"));
        Path bad = tmp.resolve("model");
        Files.createDirectories(bad);
        Files.write(bad.resolve("stories.bin"), java.util.Arrays.copyOf(model, 1000));
        Files.copy(TestSpark.requireShared("models/stories260K/tok512.bin"), bad.resolve("tok512.bin"));
        int jobsBefore = TestSpark.session().sparkContext().statusTracker().getJobIdsForGroup(null).length;
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> run(input.toString(), tmp.resolve("out").toString(), bad.toString()));
        assertTrue(e.getMessage().contains("stories.bin") && e.getMessage().contains("truncated"), e.getMessage());
        assertEquals(jobsBefore, TestSpark.session().sparkContext().statusTracker().getJobIdsForGroup(null).length,
                "no Spark job may start for a bad model");
        assertTrue(Files.notExists(tmp.resolve("out")));
    }

    @Test
    void inputAndSettingsAreValidated() throws IOException {
        Path model = TestSpark.requireShared("models/stories260K");
        Path input = tmp.resolve("p.jsonl");
        Files.writeString(input, "{\"id\": 1, \"text\": \"hi\"}\n");
        InputTableException missing = assertThrows(InputTableException.class,
                () -> run(input.toString(), tmp.resolve("o1").toString(), model.toString()));
        assertTrue(missing.getMessage().contains("no column 'prompt'"), missing.getMessage());
        JobConfigException typo = assertThrows(JobConfigException.class,
                () -> run(input.toString(), tmp.resolve("o2").toString(), model.toString(), "max_token=3"));
        assertTrue(typo.getMessage().contains("unknown setting 'max_token'"), typo.getMessage());
        JobConfigException notNumber = assertThrows(JobConfigException.class,
                () -> run(input.toString(), tmp.resolve("o3").toString(), model.toString(), "max_tokens=lots"));
        assertTrue(notNumber.getMessage().contains("max_tokens must be an integer"), notNumber.getMessage());
    }
}
