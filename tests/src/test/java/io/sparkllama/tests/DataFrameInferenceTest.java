package io.sparkllama.tests;

import static org.apache.spark.sql.functions.expr;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkllama.udfs.DataFrameInference;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The DataFrame API against the jobs on the same rows (bit for bit), with every input column kept. */
class DataFrameInferenceTest {
    @TempDir
    Path tmp;

    private static void assertInputKept(Dataset<Row> in, Dataset<Row> out) {
        StructField[] a = in.schema().fields();
        StructField[] b = out.schema().fields();
        assertTrue(a.length > 0 && b.length > a.length, "input columns, then the results'");
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i].name(), b[i].name());
            assertEquals(a[i].dataType(), b[i].dataType());
        }
    }

    @Test
    void generateEqualsTheGenerateJob() {
        Path model = TestSpark.requireShared("models/stories260K");
        String input = TestSpark.repo().resolve("datasets/samples/story-openings.jsonl").toString();
        String out = tmp.resolve("job").toString();
        JobRunner.run("generate", input, out, model.toString(), "max_tokens=24");
        Map<Object, Row> job = SqlFunctionsTest.byId(TestSpark.session().read().parquet(out).collectAsList(), "id");

        Dataset<Row> in = TestSpark.session().read().json(input)
                .withColumn("row_settings", expr("map('max_tokens', CAST(max_tokens AS STRING), 'temperature', CAST(temperature AS STRING),"
                        + " 'seed', CAST(seed AS STRING))"))
                .withColumnRenamed("prompt", "opening");
        Dataset<Row> generated = DataFrameInference.generate(in, model.toString(),
                Map.of("prompt_col", "opening", "settings_col", "row_settings", "max_tokens", "24", "batch_size", "8"));
        assertInputKept(in, generated);
        List<Row> rows = generated.collectAsList();
        assertEquals(36, rows.size());
        for (Row r : rows) {
            Row j = job.get(r.getAs("id"));
            assertEquals((String) j.getAs("prompt"), r.getAs("opening"));
            assertEquals(j.getList(j.fieldIndex("token_ids")), r.getList(r.fieldIndex("token_ids")), "id " + r.getAs("id"));
            assertEquals(j.getList(j.fieldIndex("token_logprobs")), r.getList(r.fieldIndex("token_logprobs")));
            assertEquals((String) j.getAs("completion"), r.getAs("completion"));
            assertEquals((String) j.getAs("finish_reason"), r.getAs("finish_reason"));
        }
    }

    /** min_p, the penalties, logit_bias and stop as options: the job's very tokens; a bad stop list names the option. */
    @Test
    void generateTakesTheSamplingOptionsAsTheJobDoes() {
        Path model = TestSpark.requireShared("models/stories260K");
        String input = TestSpark.repo().resolve("datasets/samples/story-openings.jsonl").toString();
        String out = tmp.resolve("job-sampling").toString();
        String[] settings = {"max_tokens=24", "min_p=0.05", "repetition_penalty=1.3", "frequency_penalty=0.4", "presence_penalty=0.2",
            "logit_bias={\"13\": -100}", "stop=[\"e \", \".\"]"};
        JobRunner.run("generate", input, out, model.toString(), settings);
        Map<Object, Row> job = SqlFunctionsTest.byId(TestSpark.session().read().parquet(out).collectAsList(), "id");
        Dataset<Row> in = TestSpark.session().read().json(input)
                .withColumn("row_settings", expr("map('max_tokens', CAST(max_tokens AS STRING), 'temperature', CAST(temperature AS STRING),"
                        + " 'seed', CAST(seed AS STRING))"));
        Map<String, String> options = new java.util.HashMap<>(Map.of("settings_col", "row_settings", "batch_size", "8"));
        for (String kv : settings) {
            options.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
        }
        List<Row> rows = DataFrameInference.generate(in, model.toString(), options).collectAsList();
        assertEquals(36, rows.size());
        int stopped = 0;
        for (Row r : rows) {
            Row j = job.get(r.getAs("id"));
            assertEquals(j.getList(j.fieldIndex("token_ids")), r.getList(r.fieldIndex("token_ids")), "id " + r.getAs("id"));
            assertEquals((String) j.getAs("completion"), r.getAs("completion"));
            assertEquals((String) j.getAs("finish_reason"), r.getAs("finish_reason"));
            stopped += "stop".equals(r.getAs("finish_reason")) ? 1 : 0;
        }
        assertTrue(stopped > 0, "some rows end at a stop string");
        options.put("stop", "[1]");
        assertEquals("generate: option stop must be a JSON array of strings; element 0 is 1",
                assertThrows(IllegalArgumentException.class, () -> DataFrameInference.generate(in, model.toString(), options)).getMessage());
    }

    /** Samples and chat rows through the DataFrame API give the generate job's rows; sample_index is the first result column. */
    @Test
    void generateTakesSamplesAndChatColumnsAsTheJobDoes() throws IOException {
        Path model = TestSpark.requireShared("models/stories260K");
        Path input = tmp.resolve("chat.jsonl");
        Files.writeString(input, String.join("\n",
                "{\"id\": 1, \"prompt\": \"Once upon a time\", \"sys\": \"Be brief.\", \"k\": 1}",
                "{\"id\": 2, \"prompt\": \"The little fish\", \"k\": 3}",
                "{\"id\": 3, \"prompt\": \"Tom had a dog\", \"k\": 99}") + "\n");
        String out = tmp.resolve("job-chat").toString();
        Files.writeString(tmp.resolve("job-in.jsonl"), Files.readString(input).replace("\"sys\"", "\"system\"").replace("\"k\"", "\"n\""));
        JobRunner.run("generate", tmp.resolve("job-in.jsonl").toString(), out, model.toString(), "max_tokens=12", "temperature=0.9",
                "template=llama2");
        List<Row> job = TestSpark.session().read().parquet(out).orderBy("id", "sample_index").collectAsList();

        Dataset<Row> in = TestSpark.session().read().json(input.toString());
        Dataset<Row> generated = DataFrameInference.generate(in, model.toString(), Map.of("max_tokens", "12", "temperature", "0.9",
                "template", "llama2", "system_col", "sys", "n_col", "k"));
        assertInputKept(in, generated);
        List<String> names = List.of(generated.schema().fieldNames());
        assertEquals(List.of("id", "k", "prompt", "sys", "sample_index", "completion", "prompt_tokens", "token_ids", "token_logprobs",
                "finish_reason", "error", "top_logprobs"), names);
        List<Row> rows = generated.orderBy("id", "sample_index").collectAsList();
        assertEquals(5, rows.size(), "1 + 3 samples + 1 error row");
        assertEquals(job.size(), rows.size());
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            Row j = job.get(i);
            String at = "id " + r.getAs("id") + "/" + r.getAs("sample_index");
            assertEquals((Object) j.getAs("sample_index"), r.getAs("sample_index"), at);
            assertEquals(j.getList(j.fieldIndex("token_ids")), r.getList(r.fieldIndex("token_ids")), at);
            assertEquals((String) j.getAs("completion"), r.getAs("completion"), at);
            assertEquals((String) j.getAs("error"), r.getAs("error"), at);
        }
        assertEquals("n must be in [1, 16], got 99", rows.get(4).getAs("error"));
        assertEquals(3L, rows.stream().filter(r -> (Long) r.getAs("id") == 2L).count());

        Dataset<Row> plain = TestSpark.session().read().json(input.toString()).drop("k");
        assertEquals(List.of("id", "prompt", "sys", "completion", "prompt_tokens", "token_ids", "token_logprobs", "finish_reason", "error",
                "top_logprobs"),
                List.of(DataFrameInference.generate(plain, model.toString(), Map.of("max_tokens", "2")).schema().fieldNames()),
                "no sample_index without samples");
        assertEquals("generate: option n must be in [1, 16], got 17", assertThrows(IllegalArgumentException.class,
                () -> DataFrameInference.generate(plain, model.toString(), Map.of("n", "17"))).getMessage());
    }

    @Test
    void scoreAndLoglikelihoodEqualTheJobs() throws IOException {
        Path model = TestSpark.requireShared("models/stories260K");
        String texts = TestSpark.repo().resolve("datasets/samples/story-texts.jsonl").toString();
        String scoreOut = tmp.resolve("score").toString();
        JobRunner.run("score", texts, scoreOut, model.toString());
        Map<Object, Row> job = SqlFunctionsTest.byId(TestSpark.session().read().parquet(scoreOut).collectAsList(), "id");
        Dataset<Row> in = TestSpark.session().read().json(texts);
        Dataset<Row> scored = DataFrameInference.score(in, model.toString(), Map.of("output_prefix", "llama_"));
        assertInputKept(in, scored);
        List<Row> scoredRows = scored.collectAsList();
        assertEquals(6, scoredRows.size(), "the sample's 6 texts");
        for (Row r : scoredRows) {
            Row j = job.get(r.getAs("id"));
            assertEquals(j.getList(j.fieldIndex("token_logprobs")), r.getList(r.fieldIndex("llama_token_logprobs")));
            assertEquals((Double) j.getAs("perplexity"), r.getAs("llama_perplexity"));
        }

        Path pairs = tmp.resolve("pairs.jsonl");
        Files.write(pairs, List.of(
                "{\"id\": 1, \"context\": \"Once upon a time\", \"continuation\": \", there was a little girl\"}",
                "{\"id\": 2, \"context\": \"Tom had a \", \"continuation\": \"dog\"}",
                "{\"id\": 3, \"context\": \"Lily\", \"continuation\": \"\"}",
                "{\"id\": 4, \"context\": null, \"continuation\": \"x\"}"));
        String llOut = tmp.resolve("ll").toString();
        JobRunner.run("loglikelihood", pairs.toString(), llOut, model.toString());
        Map<Object, Row> llJob = SqlFunctionsTest.byId(TestSpark.session().read().parquet(llOut).collectAsList(), "id");
        Dataset<Row> ll = DataFrameInference.loglikelihood(TestSpark.session().read().json(pairs.toString()), model.toString(), Map.of());
        List<Row> llRows = ll.collectAsList();
        assertEquals(4, llRows.size());
        assertEquals(4, llJob.size());
        for (Row r : llRows) {
            Row j = llJob.get(r.getAs("id"));
            assertEquals((Double) j.getAs("sum_logprob"), r.getAs("sum_logprob"));
            assertEquals((Boolean) j.getAs("is_greedy"), r.getAs("is_greedy"));
            assertEquals((String) j.getAs("error"), r.getAs("error"));
        }
    }

    @Test
    void badColumnsAndOptionsNameTheColumnAndFunction() {
        SparkSession spark = TestSpark.session();
        String model = TestSpark.requireShared("models/stories260K").toString();
        Dataset<Row> in = spark.sql("SELECT 1L AS id, 'Once upon a time' AS text, 'x' AS token_ids");
        assertEquals("generate: no column 'prompt' in the input (columns: id, text, token_ids); name it with the prompt_col option",
                assertThrows(IllegalArgumentException.class, () -> DataFrameInference.generate(in, model, Map.of())).getMessage());
        assertEquals("score: column 'id' (text_col) is BIGINT; it must be a string",
                assertThrows(IllegalArgumentException.class, () -> DataFrameInference.score(in, model, Map.of("text_col", "id"))).getMessage());
        assertEquals("score: the input already has a column 'token_ids'; set output_prefix (e.g. 'llama_') to name the output columns apart",
                assertThrows(IllegalArgumentException.class, () -> DataFrameInference.score(in, model, Map.of())).getMessage());
        assertEquals("generate: option max_tokens must be an integer, got 'lots'", assertThrows(IllegalArgumentException.class,
                () -> DataFrameInference.generate(in, model, Map.of("prompt_col", "text", "max_tokens", "lots"))).getMessage());

        Row nullRow = DataFrameInference.generate(spark.sql("SELECT 7 AS id, CAST(NULL AS STRING) AS prompt"), model, Map.of()).first();
        assertArrayEquals(new Object[] {7, null, null, null, null, null, null, "prompt is null"},
                new Object[] {nullRow.get(0), nullRow.get(1), nullRow.get(2), nullRow.get(3), nullRow.get(4), nullRow.get(5), nullRow.get(6),
                    nullRow.get(7)});
        assertNull(nullRow.getAs("completion"));
    }
}
