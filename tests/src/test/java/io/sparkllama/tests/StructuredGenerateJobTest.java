package io.sparkllama.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkllama.jobs.JobConfigException;
import io.sparkllama.jobs.JobSummary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generate job's top_logprobs, json_schema, choices and output_schema end to end on local[2]. */
class StructuredGenerateJobTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SCHEMA = "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\",\"maxLength\":10},"
            + "\"age\":{\"type\":\"integer\"},\"happy\":{\"type\":\"boolean\"},\"pets\":{\"type\":\"array\",\"items\":{\"enum\":[\"cat\",\"dog\"]},"
            + "\"maxItems\":2}},\"required\":[\"name\"]}";

    @TempDir
    Path tmp;

    private static JobSummary run(String input, String output, String... settings) {
        return JobRunner.run("generate", input, output, TestSpark.requireShared("models/stories260K").toString(), settings);
    }

    @Test
    void schemaConstrainedRowsParseIntoTheStructColumnWithAlternatives() throws IOException {
        Path input = tmp.resolve("prompts.jsonl");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            lines.add("{\"id\": " + i + ", \"prompt\": \"Once upon a time " + i + "\", \"seed\": " + (500 + i) + "}");
        }
        Files.writeString(input, String.join("\n", lines) + "\n");
        String out = tmp.resolve("out").toString();
        JobSummary s = run(input.toString(), out, "json_schema=" + SCHEMA, "output_schema=json_schema", "top_logprobs=3",
                "temperature=1.0", "max_tokens=80", "partitions=2");
        assertEquals(12, s.rows());
        assertEquals(0, s.errors());
        @SuppressWarnings("unchecked")
        java.util.Map<String, Object> recorded = (java.util.Map<String, Object>) io.sparkllama.jobs.RunMetadata.read(out,
                TestSpark.session().sparkContext().hadoopConfiguration()).get("settings");
        assertEquals(3, recorded.get("top_logprobs"));
        assertEquals(SCHEMA, recorded.get("json_schema"));
        assertEquals("json_schema", recorded.get("output_schema"));
        assertTrue(!recorded.containsKey("choices"), "an unset choices is not recorded: " + recorded);
        List<Row> rows = TestSpark.session().read().parquet(out).orderBy("id").collectAsList();
        assertEquals(12, rows.size());
        for (Row r : rows) {
            String completion = r.getAs("completion");
            JsonNode v = JSON.readTree(completion);
            Row parsed = r.getAs("parsed");
            assertEquals(v.get("name").textValue(), parsed.getAs("name"), completion);
            assertTrue(v.get("name").textValue().length() <= 10, completion);
            assertEquals(v.get("age").longValue(), (long) parsed.getAs("age"), completion);
            assertEquals(v.get("happy").booleanValue(), parsed.getAs("happy"), completion);
            List<String> pets = parsed.getList(parsed.fieldIndex("pets"));
            assertEquals(v.get("pets").size(), pets.size(), completion);
            for (int i = 0; i < pets.size(); i++) {
                assertTrue(Set.of("cat", "dog").contains(pets.get(i)), completion);
                assertEquals(v.get("pets").get(i).textValue(), pets.get(i));
            }
            assertEquals("stop", r.getAs("finish_reason"), completion);
            List<Integer> ids = r.getList(r.fieldIndex("token_ids"));
            List<Float> lps = r.getList(r.fieldIndex("token_logprobs"));
            List<Object> top = r.getList(r.fieldIndex("top_logprobs"));
            assertEquals(ids.size(), top.size());
            for (int t = 0; t < ids.size(); t++) {
                List<Row> alt = alternatives(top, t);
                assertEquals(3, alt.size());
                for (int j = 0; j < 3; j++) {
                    if ((int) alt.get(j).getAs("id") == ids.get(t)) {
                        assertEquals(lps.get(t), (float) alt.get(j).getAs("logprob"), 0f, "chosen token's logprob is its entry");
                    }
                    if (j > 0) {
                        assertTrue((float) alt.get(j).getAs("logprob") <= (float) alt.get(j - 1).getAs("logprob"));
                    }
                }
            }
        }
    }

    @Test
    void perRowChoicesAndSchemasWithRowErrors() throws IOException {
        Path input = tmp.resolve("rows.jsonl");
        Files.writeString(input, String.join("\n",
                "{\"id\": 1, \"prompt\": \"The cat was\", \"choices\": [\"happy\", \"sad\", \"very happy\"], \"temperature\": 1.5}",
                "{\"id\": 2, \"prompt\": \"The dog was\", \"choices\": [\"big\", \"small\"], \"seed\": 3, \"temperature\": 1.5}",
                "{\"id\": 3, \"prompt\": \"Tom\", \"json_schema\": \"{\\\"type\\\":\\\"object\\\",\\\"properties\\\":{\\\"x\\\":{\\\"type\\\":\\\"int\\\"}}}\"}",
                "{\"id\": 4, \"prompt\": \"Sue\", \"json_schema\": \"{\\\"type\\\":\\\"integer\\\"}\", \"max_tokens\": 8}",
                "{\"id\": 5, \"prompt\": \"Once upon a time\", \"top_logprobs\": 2}") + "\n");
        String out = tmp.resolve("rows-out").toString();
        JobSummary s = run(input.toString(), out, "max_tokens=16");
        assertEquals(5, s.rows());
        assertEquals(1, s.errors());
        List<Row> rows = TestSpark.session().read().parquet(out).orderBy("id").collectAsList();
        String first = rows.get(0).getAs("completion");
        String second = rows.get(1).getAs("completion");
        assertTrue(List.of("happy", "sad", "very happy").contains(first), first);
        assertTrue(List.of("big", "small").contains(second), second);
        assertEquals("json_schema: $.properties.x.type \"int\" is not supported; use object, array, string, number, integer or boolean",
                rows.get(2).getAs("error"));
        String integer = rows.get(3).getAs("completion");
        assertTrue(JSON.readTree(integer).isIntegralNumber(), integer);
        assertNull(rows.get(3).getAs("top_logprobs"));
        List<Object> top = rows.get(4).getList(rows.get(4).fieldIndex("top_logprobs"));
        assertEquals(16, top.size());
        List<Integer> ids = rows.get(4).getList(rows.get(4).fieldIndex("token_ids"));
        assertEquals(2, alternatives(top, 0).size());
        assertEquals(ids.get(0), alternatives(top, 0).get(0).getAs("id"), "greedy takes the first alternative");
    }

    @Test
    void jobWideChoicesReachEveryRowAndTheRunRecord() throws IOException {
        Path input = tmp.resolve("labels.jsonl");
        Files.writeString(input, String.join("\n", "{\"id\": 1, \"prompt\": \"The cat was\"}", "{\"id\": 2, \"prompt\": \"Tom\"}",
                "{\"id\": 3, \"prompt\": \"Once upon a time\"}") + "\n");
        String out = tmp.resolve("labels-out").toString();
        JobSummary s = run(input.toString(), out, "choices=[\"yes\",\"no, never\"]", "temperature=1.5", "max_tokens=12");
        assertEquals(3, s.rows());
        assertEquals(0, s.errors());
        for (Row r : TestSpark.session().read().parquet(out).collectAsList()) {
            assertTrue(List.of("yes", "no, never").contains(r.<String>getAs("completion")), r.<String>getAs("completion"));
        }
        @SuppressWarnings("unchecked")
        java.util.Map<String, Object> recorded = (java.util.Map<String, Object>) io.sparkllama.jobs.RunMetadata.read(out,
                TestSpark.session().sparkContext().hadoopConfiguration()).get("settings");
        assertEquals(List.of("yes", "no, never"), recorded.get("choices"));
    }

    @Test
    void dataFrameApiTakesTheSameOptions() throws IOException {
        String model = TestSpark.requireShared("models/stories260K").toString();
        org.apache.spark.sql.Dataset<Row> in = TestSpark.session().sql(
                "SELECT 1 AS id, 'The cat was' AS prompt, map('choices', '[\"happy\",\"sad\"]') AS s UNION ALL "
                + "SELECT 2, 'Tom', map('json_schema', '{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\"}}}') UNION ALL "
                + "SELECT 3, 'Sue', map('json_schema', '{\"type\":\"int\"}')");
        List<Row> rows = io.sparkllama.udfs.DataFrameInference.generate(in, model,
                java.util.Map.of("settings_col", "s", "top_logprobs", "2", "temperature", "1.0", "max_tokens", "20")).orderBy("id").collectAsList();
        String label = rows.get(0).getAs("completion");
        assertTrue(List.of("happy", "sad").contains(label), label);
        assertTrue(JSON.readTree(rows.get(1).<String>getAs("completion")).get("n").isIntegralNumber(), rows.get(1).<String>getAs("completion"));
        List<Object> top = rows.get(1).getList(rows.get(1).fieldIndex("top_logprobs"));
        assertEquals(rows.get(1).getList(rows.get(1).fieldIndex("token_ids")).size(), top.size());
        assertEquals(2, alternatives(top, 0).size());
        assertEquals("json_schema: $.type \"int\" is not supported; use object, array, string, number, integer or boolean", rows.get(2).getAs("error"));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> io.sparkllama.udfs.DataFrameInference.generate(in, model,
                java.util.Map.of("json_schema", "{\"type\":\"array\"}")));
        assertEquals("generate: option json_schema: $ is an array without \"items\"", bad.getMessage());
    }

    @SuppressWarnings("unchecked")
    private static List<Row> alternatives(List<Object> top, int token) {
        return scala.jdk.javaapi.CollectionConverters.asJava((scala.collection.Seq<Row>) top.get(token));
    }

    @Test
    void badJobSettingsFailOnTheDriverNamingTheSetting() {
        String in = tmp.resolve("none.jsonl").toString();
        String out = tmp.resolve("none-out").toString();
        JobConfigException e = assertThrows(JobConfigException.class, () -> run(in, out, "json_schema={\"type\":\"object\",\"properties\":{\"a\":{}}}"));
        assertEquals("generate: json_schema: $.properties.a has no \"type\" (one of object, array, string, number, integer, boolean) and no \"enum\"",
                e.getMessage());
        e = assertThrows(JobConfigException.class, () -> run(in, out, "top_logprobs=21"));
        assertEquals("generate: setting top_logprobs must be <= 20, got 21", e.getMessage());
        e = assertThrows(JobConfigException.class, () -> run(in, out, "choices=yes,no"));
        assertEquals("generate: choices must be a JSON array of strings, e.g. [\"positive\",\"negative\"], got 'yes,no'", e.getMessage());
        e = assertThrows(JobConfigException.class, () -> run(in, out, "choices=[\"a\"]", "json_schema={\"type\":\"integer\"}"));
        assertEquals("generate: json_schema and choices are both set; give one", e.getMessage());
        e = assertThrows(JobConfigException.class, () -> run(in, out, "json_schema={\"type\":\"integer\"}", "output_schema=json_schema"));
        assertEquals("generate: output_schema=json_schema needs a json_schema of type object, got bigint", e.getMessage());
    }
}
