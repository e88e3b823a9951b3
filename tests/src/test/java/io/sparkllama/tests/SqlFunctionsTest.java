package io.sparkllama.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SQL functions ({@code spark.sql.extensions=io.sparkllama.udfs.SparkLlamaExtensions}, set in
 * {@link TestSpark}) against the jobs on the same rows: token ids and logprobs bit for bit.
 */
class SqlFunctionsTest {
    @TempDir
    Path tmp;

    @AfterEach
    void unsetModel() {
        TestSpark.session().conf().unset("spark.llama.model");
        TestSpark.session().conf().unset("spark.llama.max_tokens");
        TestSpark.session().conf().unset("spark.llama.kv_cache_type");
    }

    static Map<Object, Row> byId(List<Row> rows, String idColumn) {
        Map<Object, Row> out = new HashMap<>();
        for (Row r : rows) {
            out.put(r.getAs(idColumn), r);
        }
        return out;
    }

    @Test
    void llamaGenerateEqualsTheGenerateJob() {
        Path model = TestSpark.requireShared("models/stories260K");
        String input = TestSpark.repo().resolve("datasets/samples/story-openings.jsonl").toString();
        String out = tmp.resolve("job").toString();
        JobRunner.run("generate", input, out, model.toString(), "max_tokens=24");
        Map<Object, Row> job = byId(TestSpark.session().read().parquet(out).collectAsList(), "id");

        SparkSession spark = TestSpark.session();
        spark.read().json(input).repartition(3).createOrReplaceTempView("openings");
        spark.conf().set("spark.llama.model", model.toString());
        spark.conf().set("spark.llama.max_tokens", "24");
        // The job reads a row's own max_tokens, temperature and seed columns; SQL passes them in the map (a null value keeps the default).
        List<Row> sql = spark.sql("SELECT id, prompt, llama_generate(prompt, map('max_tokens', CAST(max_tokens AS STRING),"
                + " 'temperature', CAST(temperature AS STRING), 'seed', CAST(seed AS STRING))) AS g FROM openings").collectAsList();
        assertEquals(36, job.size(), "the sample's 36 openings");
        assertEquals(job.size(), sql.size());
        for (Row r : sql) {
            Row j = job.get(r.getAs("id"));
            Row g = r.getAs("g");
            assertEquals((String) j.getAs("completion"), g.getAs("completion"), "id " + r.getAs("id"));
            assertEquals(j.getList(j.fieldIndex("token_ids")), g.getList(g.fieldIndex("token_ids")));
            // Float.equals compares the bits.
            assertEquals(j.getList(j.fieldIndex("token_logprobs")), g.getList(g.fieldIndex("token_logprobs")));
            assertEquals((Integer) j.getAs("prompt_tokens"), g.getAs("prompt_tokens"));
            assertEquals((String) j.getAs("finish_reason"), g.getAs("finish_reason"));
            assertNull(g.getAs("error"));
        }
    }

    @Test
    void llamaScoreEqualsTheScoreJob() {
        Path model = TestSpark.requireShared("models/stories260K");
        String input = TestSpark.repo().resolve("datasets/samples/story-texts.jsonl").toString();
        String out = tmp.resolve("job").toString();
        JobRunner.run("score", input, out, model.toString(), "batch_size=4");
        Map<Object, Row> job = byId(TestSpark.session().read().parquet(out).collectAsList(), "id");

        SparkSession spark = TestSpark.session();
        spark.read().json(input).createOrReplaceTempView("texts");
        spark.conf().set("spark.llama.model", model.toString());
        List<Row> sql = spark.sql("SELECT id, s.* FROM (SELECT id, llama_score(text) AS s FROM texts)").collectAsList();
        assertEquals(6, job.size(), "the sample's 6 texts");
        assertEquals(job.size(), sql.size());
        for (Row s : sql) {
            Row j = job.get(s.getAs("id"));
            assertEquals(j.getList(j.fieldIndex("token_ids")), s.getList(s.fieldIndex("token_ids")));
            assertEquals(j.getList(j.fieldIndex("token_logprobs")), s.getList(s.fieldIndex("token_logprobs")));
            assertEquals((Double) j.getAs("sum_logprob"), s.getAs("sum_logprob"));
            assertEquals((Double) j.getAs("perplexity"), s.getAs("perplexity"));
            assertEquals((Integer) j.getAs("n_scored"), s.getAs("n_scored"));
        }
    }

    /** kv_cache_type reaches the SQL functions' sessions as it reaches the job's: the same f16 bits; f16 is not f32. */
    @Test
    void kvCacheTypeIsASettingOfTheJobAndTheSqlFunctions() throws java.io.IOException {
        Path model = TestSpark.requireShared("models/stories260K");
        String input = TestSpark.repo().resolve("datasets/samples/story-texts.jsonl").toString();
        String f16 = tmp.resolve("f16").toString();
        String f32 = tmp.resolve("f32").toString();
        JobRunner.run("score", input, f16, model.toString(), "kv_cache_type=f16");
        JobRunner.run("score", input, f32, model.toString());
        Map<Object, Row> job16 = byId(TestSpark.session().read().parquet(f16).collectAsList(), "id");
        Map<Object, Row> job32 = byId(TestSpark.session().read().parquet(f32).collectAsList(), "id");
        com.fasterxml.jackson.databind.JsonNode memory = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(Path.of(f16, "_spark_llama.json").toFile()).get("memory");
        assertEquals("f16", memory.get("kv_cache_type").asText(), memory.toString());
        assertEquals(2, memory.get("kv_cache_task_slots").asInt(), "local[2]: two task slots share kv_cache_memory");

        SparkSession spark = TestSpark.session();
        spark.read().json(input).createOrReplaceTempView("texts");
        spark.conf().set("spark.llama.model", model.toString());
        spark.conf().set("spark.llama.kv_cache_type", "f16");
        List<Row> sql = spark.sql("SELECT id, s.* FROM (SELECT id, llama_score(text) AS s FROM texts)").collectAsList();
        assertEquals(job16.size(), sql.size());
        int moved = 0;
        for (Row s : sql) {
            Row j = job16.get(s.getAs("id"));
            assertEquals(j.getList(j.fieldIndex("token_logprobs")), s.getList(s.fieldIndex("token_logprobs")), "id " + s.getAs("id"));
            Row j32 = job32.get(s.getAs("id"));
            // Rows with a null or empty text have no logprobs in either run.
            moved += java.util.Objects.equals(j32.getList(j32.fieldIndex("token_logprobs")), j.getList(j.fieldIndex("token_logprobs"))) ? 0 : 1;
        }
        assertTrue(moved > 0, "an f16 cache rounds keys and values: some row's logprobs differ from f32");

        spark.conf().set("spark.llama.kv_cache_type", "f8");
        Exception bad = assertThrows(Exception.class, () -> spark.sql("SELECT llama_score(text) FROM texts").collect());
        assertTrue(bad.getMessage().contains("setting kv_cache_type must be f32, f16 or bf16, got 'f8'"), bad.getMessage());
        spark.conf().set("spark.llama.kv_cache_type", "f32");

        // The functions' struct is fixed: no parsed field, so output_schema is refused before any task runs.
        spark.conf().set("spark.llama.output_schema", "name STRING");
        try {
            Exception parsed = assertThrows(Exception.class, () -> spark.sql("SELECT llama_generate('Once upon a time') AS g").collect());
            assertTrue(parsed.getMessage().contains("llama_generate: spark.llama.output_schema is for the DataFrame API and the generate job;"
                    + " unset it and parse the completion with from_json(completion, '<ddl>') in SQL"), parsed.getMessage());
        } finally {
            spark.conf().unset("spark.llama.output_schema");
        }
    }

    @Test
    void nullAndEmptyInputsGiveErrorsAndBadSettingsNameTheKey() {
        SparkSession spark = TestSpark.session();
        spark.conf().set("spark.llama.model", TestSpark.requireShared("models/stories260K").toString());
        List<Row> rows = spark.sql("SELECT id, llama_generate(p, m) AS g, llama_score(p) AS s FROM VALUES "
                + "(1, CAST(NULL AS STRING), map('max_tokens', '4')), (2, '', map('max_tokens', '4')), "
                + "(3, 'Once upon', map('max_tokens', 'many')), (4, 'Once upon', map('colour', 'red')), "
                + "(5, 'Once upon', map('max_tokens', '3')) AS t(id, p, m) ORDER BY id").collectAsList();
        assertEquals(5, rows.size());
        assertEquals("prompt is null", rows.get(0).<Row>getAs("g").getAs("error"));
        assertNull(rows.get(0).<Row>getAs("g").getAs("completion"));
        assertEquals("text is null", rows.get(0).<Row>getAs("s").getAs("error"));
        assertNull(rows.get(0).<Row>getAs("s").getAs("token_logprobs"));
        assertEquals("prompt is empty", rows.get(1).<Row>getAs("g").getAs("error"));
        assertEquals("setting max_tokens must be an integer, got 'many'", rows.get(2).<Row>getAs("g").getAs("error"));
        assertTrue(rows.get(3).<Row>getAs("g").<String>getAs("error").startsWith("unknown setting 'colour' (known here: choices, frequency_penalty, json_schema, logit_bias, max_tokens, min_p,"),
                rows.get(3).<Row>getAs("g").<String>getAs("error"));
        Row ok = rows.get(4).getAs("g");
        assertNull(ok.getAs("error"));
        assertEquals(3, ok.getList(ok.fieldIndex("token_ids")).size());
        assertEquals("length", ok.getAs("finish_reason"));
    }

    @Test
    void missingModelAndWrongTypesAreClearErrors() {
        SparkSession spark = TestSpark.session();
        Exception noModel = assertThrows(Exception.class, () -> spark.sql("SELECT llama_generate('Once upon a time') AS g").collect());
        assertTrue(noModel.getMessage().contains("llama_generate: no model: set spark.llama.model"), noModel.getMessage());

        spark.conf().set("spark.llama.model", TestSpark.requireShared("models/stories260K").toString());
        Exception wrongType = assertThrows(Exception.class, () -> spark.sql("SELECT llama_score(id) FROM VALUES (1L) AS t(id)").collect());
        assertTrue(wrongType.getMessage().contains("llama_score: the text argument, column id, is BIGINT; it must be a string"),
                wrongType.getMessage());
        Exception wrongMap = assertThrows(Exception.class, () -> spark.sql("SELECT llama_generate('x', 3)").collect());
        assertTrue(wrongMap.getMessage().contains("llama_generate: the settings argument, 3, is INT; it must be a map<string,string>"),
                wrongMap.getMessage());
        Exception arity = assertThrows(Exception.class, () -> spark.sql("SELECT llama_loglikelihood('x')").collect());
        assertTrue(arity.getMessage().contains("llama_loglikelihood takes (context, continuation [, settings map<string,string>]), got 1"),
                arity.getMessage());
    }

    /** Filters sit below the batched operator and a LIMIT is copied below it, so only needed rows reach the engine. */
    @Test
    void filtersAndLimitsRunBeforeTheModel() {
        SparkSession spark = TestSpark.session();
        spark.conf().set("spark.llama.model", TestSpark.requireShared("models/stories260K").toString());
        spark.range(100).selectExpr("id", "concat('Once upon a time ', id) AS prompt").createOrReplaceTempView("many");
        Dataset<Row> limited = spark.sql("SELECT id, llama_generate(prompt, map('max_tokens', '2')) AS g FROM many LIMIT 3");
        String plan = limited.queryExecution().optimizedPlan().toString();
        int eval = plan.indexOf("LlamaBatchEval");
        assertTrue(eval >= 0 && plan.indexOf("LocalLimit", eval) > eval, plan);
        assertEquals(3, limited.collectAsList().size());

        Dataset<Row> filtered = spark.sql("SELECT * FROM (SELECT id, llama_score(prompt) AS s FROM many) WHERE id IN (4, 5) AND s.error IS NULL");
        String fplan = filtered.queryExecution().optimizedPlan().toString();
        int feval = fplan.indexOf("LlamaBatchEval");
        assertTrue(feval >= 0 && fplan.substring(feval).matches("(?s).*Filter id#\\d+L IN \\(4,5\\).*"), fplan);
        assertEquals(1, fplan.split("LlamaBatchEval", -1).length - 1, "the score runs once: " + fplan);
        assertEquals(2, filtered.collectAsList().size());

        long counted = spark.sql("SELECT count(*) FROM (SELECT id, llama_generate(prompt) AS g FROM many)").first().getLong(0);
        assertEquals(100, counted);
        assertTrue(!spark.sql("SELECT count(*) FROM (SELECT id, llama_generate(prompt) AS g FROM many)").queryExecution()
                .optimizedPlan().toString().contains("LlamaBatchEval"), "an unused result is never computed");
    }

    /** llama_loglikelihood in SQL equals the DataFrame API (itself tested against the job); a call inside an aggregate runs batched too. */
    @Test
    void loglikelihoodAndAggregates() {
        SparkSession spark = TestSpark.session();
        String model = TestSpark.requireShared("models/stories260K").toString();
        spark.conf().set("spark.llama.model", model);
        Dataset<Row> pairs = spark.sql("SELECT * FROM VALUES (1, 'Once upon a time', ', there was a little girl'), (2, 'Tom had a ', 'dog'),"
                + " (3, 'Lily', '') AS t(id, context, continuation)");
        pairs.createOrReplaceTempView("pairs");
        List<Row> sql = spark.sql("SELECT id, llama_loglikelihood(context, continuation) AS r FROM pairs ORDER BY id").collectAsList();
        List<Row> api = io.sparkllama.udfs.DataFrameInference.loglikelihood(pairs, model, java.util.Map.of()).orderBy("id").collectAsList();
        for (int i = 0; i < 3; i++) {
            Row r = sql.get(i).getAs("r");
            Row a = api.get(i);
            assertEquals((Double) a.getAs("sum_logprob"), r.getAs("sum_logprob"));
            assertEquals((Boolean) a.getAs("is_greedy"), r.getAs("is_greedy"));
            assertEquals((String) a.getAs("error"), r.getAs("error"));
        }
        assertEquals("continuation is empty", sql.get(2).<Row>getAs("r").getAs("error"));

        Row agg = spark.sql("SELECT count(*) AS n, sum(llama_loglikelihood(context, continuation).sum_logprob) AS total FROM pairs").first();
        assertEquals(3L, agg.getLong(0));
        assertEquals((Double) sql.get(0).<Row>getAs("r").getAs("sum_logprob") + (Double) sql.get(1).<Row>getAs("r").getAs("sum_logprob"),
                agg.getDouble(1), 1e-9);
    }
}
