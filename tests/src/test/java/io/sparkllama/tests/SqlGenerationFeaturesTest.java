package io.sparkllama.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code llama_chat}, {@code system} / {@code template} / {@code n} in the settings map, and
 * constrained output through SQL, against the generate job on the same rows, bit for bit.
 */
class SqlGenerationFeaturesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path tmp;

    @AfterEach
    void unsetModel() {
        TestSpark.session().conf().unset("spark.llama.model");
        TestSpark.session().conf().unset("spark.llama.max_tokens");
    }

    private static SparkSession session(Path model, int maxTokens) {
        SparkSession spark = TestSpark.session();
        spark.conf().set("spark.llama.model", model.toString());
        spark.conf().set("spark.llama.max_tokens", Integer.toString(maxTokens));
        return spark;
    }

    @Test
    void chatRowsEqualTheGenerateJob() throws IOException {
        Path model = TestSpark.requireShared("models/stories260K");
        Path input = tmp.resolve("chat.jsonl");
        Files.writeString(input, String.join("\n",
                "{\"id\": 1, \"messages\": [{\"role\": \"system\", \"content\": \"Be brief.\"}, {\"role\": \"user\", \"content\": \"Once upon a time\"}]}",
                "{\"id\": 2, \"messages\": [{\"role\": \"user\", \"content\": \"Tom had a dog\"}, {\"role\": \"assistant\", \"content\": \"Yes.\"},"
                        + " {\"role\": \"user\", \"content\": \"And a cat?\"}]}",
                "{\"id\": 3, \"system\": \"Be kind.\", \"prompt\": \"The little fish\"}",
                "{\"id\": 4, \"prompt\": \"Lily said\"}") + "\n");
        String out = tmp.resolve("job").toString();
        JobRunner.run("generate", input.toString(), out, model.toString(), "max_tokens=20", "template=llama2", "temperature=0.8", "seed=5");
        Map<Object, Row> job = SqlFunctionsTest.byId(TestSpark.session().read().parquet(out).collectAsList(), "id");

        SparkSession spark = session(model, 20);
        spark.read().json(input.toString()).createOrReplaceTempView("chats");
        String settings = "map('template', 'llama2', 'temperature', '0.8', 'seed', '5')";
        List<Row> viaChat = spark.sql("SELECT id, llama_chat(messages, " + settings + ") AS g FROM chats WHERE messages IS NOT NULL").collectAsList();
        List<Row> viaGenerate = spark.sql("SELECT id, llama_generate(prompt, map('system', system, 'template', 'llama2', 'temperature', '0.8',"
                + " 'seed', '5')) AS g FROM chats WHERE prompt IS NOT NULL").collectAsList();
        // llama_chat builds the messages in SQL as well: a system from the map goes first.
        List<Row> built = spark.sql("SELECT id, llama_chat(array(named_struct('role', 'user', 'content', prompt)), map('system', 'Be kind.',"
                + " 'template', 'llama2', 'temperature', '0.8', 'seed', '5')) AS g FROM chats WHERE id = 3").collectAsList();
        assertEquals(2, viaChat.size());
        assertEquals(2, viaGenerate.size());
        List<Row> all = new ArrayList<>(viaChat);
        all.addAll(viaGenerate);
        all.addAll(built);
        for (Row r : all) {
            Row j = job.get(r.getAs("id"));
            Row g = r.getAs("g");
            assertNull(g.getAs("error"), "id " + r.getAs("id"));
            assertNull(j.getAs("error"));
            assertEquals((String) j.getAs("completion"), g.getAs("completion"), "id " + r.getAs("id"));
            assertEquals((Integer) j.getAs("prompt_tokens"), g.getAs("prompt_tokens"), "the templated prompt");
            assertEquals(j.getList(j.fieldIndex("token_ids")), g.getList(g.fieldIndex("token_ids")));
            assertEquals(j.getList(j.fieldIndex("token_logprobs")), g.getList(g.fieldIndex("token_logprobs")));
            assertEquals((String) j.getAs("finish_reason"), g.getAs("finish_reason"));
            assertNull(g.getAs("completions"), "one sample: no completions array");
        }
        assertTrue((Integer) viaChat.get(0).<Row>getAs("g").getAs("prompt_tokens") > 10, "a templated prompt");
        Row bad = spark.sql("SELECT llama_chat(array(named_struct('role', 'assistant', 'content', 'hi')), map('template', 'llama2')) AS g")
                .collectAsList().get(0).getAs("g");
        assertEquals("llama2 chat: message 0 has role 'assistant'; roles must be an optional system, then user and assistant alternating,"
                + " ending with user", bad.getAs("error"));
        Row none = spark.sql("SELECT llama_chat(CAST(NULL AS array<struct<role: string, content: string>>), map('template', 'llama2')) AS g")
                .collectAsList().get(0).getAs("g");
        assertEquals("messages is null", none.getAs("error"));
        assertNull(none.getAs("completion"));
        Exception wrongType = assertThrows(Exception.class, () -> spark.sql("SELECT llama_chat('hi')").collect());
        assertTrue(wrongType.getMessage().contains("llama_chat: the messages argument, 'hi', is STRING; it must be an"
                + " array<struct<role: string, content: string>>"), wrongType.getMessage());
    }

    @Test
    void nSamplesEqualTheJobsSamples() throws IOException {
        Path model = TestSpark.requireShared("models/stories260K");
        Path input = tmp.resolve("prompts.jsonl");
        Files.writeString(input, String.join("\n",
                "{\"id\": 1, \"prompt\": \"The little fish\"}",
                "{\"id\": 2, \"prompt\": \"Once upon a time\"}",
                "{\"id\": 3, \"prompt\": \"Tom had a dog\"}") + "\n");
        String out = tmp.resolve("job").toString();
        JobRunner.run("generate", input.toString(), out, model.toString(), "max_tokens=16", "temperature=0.9", "n=3");
        List<Row> jobRows = TestSpark.session().read().parquet(out).orderBy("id", "sample_index").collectAsList();
        assertEquals(9, jobRows.size());

        SparkSession spark = session(model, 16);
        spark.read().json(input.toString()).repartition(2).createOrReplaceTempView("prompts");
        List<Row> sql = spark.sql("SELECT id, llama_generate(prompt, map('n', '3', 'temperature', '0.9')) AS g FROM prompts ORDER BY id")
                .collectAsList();
        assertEquals(3, sql.size(), "one row per input row");
        for (int i = 0; i < 3; i++) {
            Row g = sql.get(i).getAs("g");
            List<Row> samples = g.getList(g.fieldIndex("completions"));
            assertEquals(3, samples.size());
            for (int k = 0; k < 3; k++) {
                Row j = jobRows.get(i * 3 + k);
                Row s = samples.get(k);
                assertEquals(k, (int) s.getAs("sample_index"));
                assertEquals((String) j.getAs("completion"), s.getAs("completion"), "id " + (i + 1) + " sample " + k);
                assertEquals(j.getList(j.fieldIndex("token_ids")), s.getList(s.fieldIndex("token_ids")));
                assertEquals(j.getList(j.fieldIndex("token_logprobs")), s.getList(s.fieldIndex("token_logprobs")));
                assertEquals((String) j.getAs("finish_reason"), s.getAs("finish_reason"));
            }
            assertEquals((String) samples.get(0).getAs("completion"), g.getAs("completion"), "the top-level fields are sample 0's");
            assertNotEquals((String) samples.get(0).getAs("completion"), samples.get(1).getAs("completion"));
        }
        // Samples flatten to rows with explode, as the job writes them.
        assertEquals(9, spark.sql("SELECT id, s.sample_index, s.completion FROM (SELECT id, explode(llama_generate(prompt,"
                + " map('n', '3', 'temperature', '0.9')).completions) AS s FROM prompts)").count());
        Row bad = spark.sql("SELECT llama_generate('x', map('n', '17')) AS g").collectAsList().get(0).getAs("g");
        assertEquals("n must be an integer in [1, 16], got '17'", bad.getAs("error"));
        assertNull(bad.getAs("completion"));
        Row typo = spark.sql("SELECT llama_generate('x', map('colour', 'red', 'n', '2')) AS g").collectAsList().get(0).getAs("g");
        assertTrue(typo.<String>getAs("error").startsWith("unknown setting 'colour' (known here: choices, frequency_penalty, json_schema,"
                + " logit_bias, max_tokens, min_p, n, output_schema, presence_penalty,"), typo.toString());
    }

    @Test
    void constrainedOutputParsesAndEqualsTheJob() throws IOException {
        Path model = TestSpark.requireShared("models/stories260K");
        String schema = "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\",\"maxLength\":10},\"age\":{\"type\":\"integer\"},"
                + "\"happy\":{\"type\":\"boolean\"}},\"required\":[\"name\",\"age\",\"happy\"]}";
        Path input = tmp.resolve("people.jsonl");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            lines.add("{\"id\": " + i + ", \"prompt\": \"Lily is " + i + "\", \"seed\": " + (10 + i) + "}");
        }
        Files.writeString(input, String.join("\n", lines) + "\n");
        String out = tmp.resolve("job").toString();
        JobRunner.run("generate", input.toString(), out, model.toString(), "max_tokens=80", "temperature=1", "json_schema=" + schema,
                "output_schema=json_schema");
        Map<Object, Row> job = SqlFunctionsTest.byId(TestSpark.session().read().parquet(out).collectAsList(), "id");

        SparkSession spark = session(model, 80);
        spark.read().json(input.toString()).createOrReplaceTempView("people");
        spark.sql("SELECT '" + schema + "' AS s").createOrReplaceTempView("schemas");
        List<Row> sql = spark.sql("SELECT id, g, from_json(g.completion, 'name STRING, age BIGINT, happy BOOLEAN') AS parsed FROM"
                + " (SELECT id, llama_generate(prompt, map('json_schema', s, 'temperature', '1', 'seed', CAST(seed AS STRING))) AS g"
                + " FROM people CROSS JOIN schemas)").collectAsList();
        assertEquals(6, sql.size());
        for (Row r : sql) {
            Row g = r.getAs("g");
            String text = g.getAs("completion");
            assertEquals((String) job.get(r.getAs("id")).getAs("completion"), text, "id " + r.getAs("id"));
            JsonNode v = JSON.readTree(text);
            Row parsed = r.getAs("parsed");
            assertNotNull(parsed, text);
            assertEquals(v.get("name").asText(), parsed.getAs("name"));
            assertEquals(v.get("age").asLong(), (long) parsed.getAs("age"));
            assertEquals(v.get("happy").asBoolean(), (boolean) parsed.getAs("happy"));
            assertTrue(v.get("name").asText().length() <= 10);
        }
        // A literal map may name output_schema: the struct then carries parsed, typed, as the job's column.
        // output_schema is read when the query is planned, so the whole map is a literal: the row with seed 10 gets seed 10 here.
        List<Row> typed = spark.sql("SELECT id, llama_generate(prompt, map('json_schema', '" + schema + "', 'output_schema', 'json_schema',"
                + " 'temperature', '1', 'seed', '10')) AS g FROM people WHERE seed = 10").collectAsList();
        assertEquals(1, typed.size());
        assertEquals("struct<name:string,age:bigint,happy:boolean>", typed.get(0).<Row>getAs("g").schema().apply("parsed").dataType().simpleString());
        for (Row r : typed) {
            Row g = r.getAs("g");
            Row j = job.get(r.getAs("id"));
            assertEquals((String) j.getAs("completion"), g.getAs("completion"));
            assertEquals((Row) j.getAs("parsed"), g.getAs("parsed"), "id " + r.getAs("id"));
            assertNotNull(g.getAs("parsed"));
        }
        Exception badOutput = assertThrows(Exception.class, () -> spark.sql("SELECT llama_generate('x', map('output_schema', 'json_schema'))").collect());
        assertTrue(badOutput.getMessage().contains("llama_generate: output_schema=json_schema needs the job's json_schema setting"), badOutput.getMessage());
        Row notLiteral = spark.sql("SELECT llama_generate(prompt, map('output_schema', CAST(id AS STRING))) AS g FROM people LIMIT 1")
                .collectAsList().get(0).getAs("g");
        assertTrue(notLiteral.<String>getAs("error").startsWith("output_schema is read when the query is planned"), notLiteral.toString());

        List<Row> labels = spark.sql("SELECT explode(llama_generate(prompt, map('choices', '[\"yes\",\"no\",\"maybe\"]', 'n', '4',"
                + " 'temperature', '2')).completions) AS s FROM people").collectAsList();
        assertEquals(24, labels.size());
        for (Row l : labels) {
            assertTrue(List.of("yes", "no", "maybe").contains(l.<Row>getAs("s").<String>getAs("completion")), l.toString());
        }
    }
}
