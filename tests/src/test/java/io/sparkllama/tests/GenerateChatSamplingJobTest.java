package io.sparkllama.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sparkllama.engine.Engine;
import io.sparkllama.engine.InferenceSession;
import io.sparkllama.engine.generate.ChatMessage;
import io.sparkllama.engine.generate.ChatPrompt;
import io.sparkllama.engine.generate.GenerationRequest;
import io.sparkllama.engine.generate.GenerationResult;
import io.sparkllama.engine.generate.LogitBias;
import io.sparkllama.engine.generate.SampleSeeds;
import io.sparkllama.engine.generate.SamplingParams;
import io.sparkllama.jobs.JobConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generate job's chat rows, sampling settings and n samples (issue 18) end to end on local[2]:
 * each row equals the engine given the same request, bad values are row errors or driver-side
 * errors naming the field, and the same seeds give the same bits at any batch size.
 */
class GenerateChatSamplingJobTest {
    @TempDir
    Path tmp;

    private static io.sparkllama.jobs.JobSummary run(String input, String output, String model, String... settings) {
        return JobRunner.run("generate", input, output, model, settings);
    }

    @Test
    void chatRowsSamplingColumnsAndSamplesEqualTheEngine() throws IOException {
        Path model = TestSpark.requireShared("models/stories260K");
        Path input = tmp.resolve("rows.jsonl");
        Files.writeString(input, String.join("\n",
                "{\"id\": 1, \"messages\": [{\"role\": \"system\", \"content\": \"Be brief.\"}, {\"role\": \"user\", \"content\": \"Once upon a time\"}], \"template\": \"llama2\"}",
                "{\"id\": 2, \"system\": \"Be brief.\", \"prompt\": \"Once upon a time\", \"template\": \"llama2\"}",
                "{\"id\": 3, \"prompt\": \"Tom had a dog\", \"stop\": [\"zzz\", \"e\"]}",
                "{\"id\": 4, \"prompt\": \"Tom had a dog\", \"logit_bias\": \"{\\\"600\\\": 1}\"}",
                "{\"id\": 5, \"prompt\": \"The little fish\", \"n\": 3, \"temperature\": 0.9}",
                "{\"id\": 6, \"prompt\": \"The little fish\", \"n\": 40}",
                "{\"id\": 7, \"messages\": [{\"role\": \"assistant\", \"content\": \"hi\"}], \"template\": \"llama2\"}",
                "{\"id\": 8, \"prompt\": \"Lily said\", \"temperature\": 0.7, \"min_p\": 0.1, \"repetition_penalty\": 1.3,"
                        + " \"frequency_penalty\": 0.5, \"presence_penalty\": 0.5, \"logit_bias\": \"{\\\"13\\\": -100, \\\"5\\\": 2}\"}",
                "{\"id\": 9, \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}") + "\n");
        String out = tmp.resolve("out").toString();
        io.sparkllama.jobs.JobSummary s = run(input.toString(), out, model.toString(), "max_tokens=16", "partitions=2");
        assertEquals(11, s.rows(), "row 5 gives 3 rows");
        assertEquals(4, s.errors());
        List<Row> rows = TestSpark.session().read().parquet(out).orderBy("id", "sample_index").collectAsList();
        assertEquals(11, rows.size());
        List<String> written = List.of(TestSpark.session().read().parquet(out).schema().fieldNames());
        List<String> expectedColumns = new ArrayList<>(List.of(TestSpark.session().read().json(input.toString()).schema().fieldNames()));
        expectedColumns.addAll(List.of("sample_index", "completion", "prompt_tokens", "token_ids", "token_logprobs", "finish_reason", "error",
                "top_logprobs"));
        assertEquals(expectedColumns, written, "input columns, then sample_index first among the results");
        assertEquals("logit_bias id 600 is outside the vocabulary [0, 512)", error(rows, 4, 0));
        assertEquals("n must be in [1, 16], got 40", error(rows, 6, 0));
        assertEquals("llama2 chat: message 0 has role 'assistant'; roles must be an optional system, then user and assistant alternating,"
                + " ending with user", error(rows, 7, 0));
        assertEquals("template: the model file carries no chat template (GGUF tokenizer.chat_template or chat_template in"
                + " tokenizer_config.json); set template to llama2 or llama3", error(rows, 9, 0));

        try (Engine engine = Engine.open(model, null, 0); InferenceSession session = engine.newSession(1)) {
            ChatPrompt chat = engine.chatPrompt("llama2", List.of(new ChatMessage("system", "Be brief."), new ChatMessage("user", "Once upon a time")));
            GenerationRequest chatRequest = new GenerationRequest(chat.tokens(), 16, new SamplingParams(0f, 0, 1f, 42), chat.stopTokens());
            same(session.generate(chatRequest), row(rows, 1, 0), chat.tokens().length);
            same(session.generate(chatRequest), row(rows, 2, 0), chat.tokens().length);

            int[] tom = engine.tokenizer().encode("Tom had a dog", true);
            GenerationResult free = session.generate(new GenerationRequest(tom, 16, SamplingParams.GREEDY));
            GenerationResult stopped = session.generate(new GenerationRequest(tom, 16, SamplingParams.GREEDY, new int[0], List.of("zzz", "e")));
            same(stopped, row(rows, 3, 0), tom.length);
            assertEquals(free.text().substring(0, free.text().indexOf('e')), row(rows, 3, 0).getAs("completion"), "cut before the stop string");
            assertEquals("stop", row(rows, 3, 0).getAs("finish_reason"));

            int[] fish = engine.tokenizer().encode("The little fish", true);
            List<String> samples = new ArrayList<>();
            for (int k = 0; k < 3; k++) {
                SamplingParams p = new SamplingParams(0.9f, 0, 1f, SampleSeeds.of(42, k));
                same(session.generate(new GenerationRequest(fish, 16, p)), row(rows, 5, k), fish.length);
                samples.add(row(rows, 5, k).getAs("completion"));
            }
            assertNotEquals(samples.get(0), samples.get(1), "distinct seeds, distinct samples");
            assertNotEquals(samples.get(1), samples.get(2));

            int[] lily = engine.tokenizer().encode("Lily said", true);
            SamplingParams penalized = new SamplingParams(0.7f, 0, 1f, 42, 0.1f, 1.3f, 0.5f, 0.5f, LogitBias.of(Map.of(13, -100f, 5, 2f)));
            GenerationResult p8 = session.generate(new GenerationRequest(lily, 16, penalized));
            same(p8, row(rows, 8, 0), lily.length);
            for (int id : p8.tokens()) {
                assertNotEquals(13, id, "a -100 bias bans the token");
            }
        }
    }

    @Test
    void sameSeedsSameBitsAtAnyBatchSize() throws IOException {
        Path model = TestSpark.requireShared("models/stories260K");
        List<String> lines = new ArrayList<>();
        String[] openings = {"Once upon a time", "Tom had a dog", "The little fish", "Lily said"};
        for (int i = 0; i < 12; i++) {
            lines.add("{\"id\": " + i + ", \"prompt\": \"" + openings[i % 4] + "\", \"seed\": " + (7 * i) + ", \"max_tokens\": " + (i % 3 == 0 ? 40 : 8) + "}");
        }
        Path input = tmp.resolve("in.jsonl");
        Files.writeString(input, String.join("\n", lines) + "\n");
        List<Row> expected = null;
        for (String batch : new String[] {"batch_size=1", "batch_size=5", "batch_size=32"}) {
            String out = tmp.resolve("out-" + batch).toString();
            run(input.toString(), out, model.toString(), batch, "temperature=0.8", "min_p=0.05", "repetition_penalty=1.2",
                    "frequency_penalty=0.3", "presence_penalty=0.2", "logit_bias={\"13\": 3}", "stop=[\". \", \"!\"]", "n=2");
            List<Row> rows = TestSpark.session().read().parquet(out).orderBy("id", "sample_index")
                    .select("id", "sample_index", "completion", "token_ids", "token_logprobs", "finish_reason", "error").collectAsList();
            assertEquals(24, rows.size());
            if (expected == null) {
                expected = rows;
            } else {
                assertEquals(expected, rows, batch);
            }
        }
    }

    @Test
    void badJobSettingsFailOnTheDriverNamingTheField() {
        Path model = TestSpark.requireShared("models/stories260K");
        String in = tmp.resolve("none.jsonl").toString();
        String out = tmp.resolve("never").toString();
        assertEquals("generate: stop must be a JSON array of strings; element 0 is 1",
                assertThrows(JobConfigException.class, () -> run(in, out, model.toString(), "stop=[1, \"x\"]")).getMessage());
        assertEquals("generate: setting n must be <= 16, got 17",
                assertThrows(JobConfigException.class, () -> run(in, out, model.toString(), "n=17")).getMessage());
        assertEquals("generate: setting template must be one of llama2, llama3, model, got 'llama5'",
                assertThrows(JobConfigException.class, () -> run(in, out, model.toString(), "template=llama5")).getMessage());
        assertEquals("generate: min_p must be in [0, 1] (0 = off), got 2.0",
                assertThrows(JobConfigException.class, () -> run(in, out, model.toString(), "min_p=2")).getMessage());
        assertEquals("generate: logit_bias key 'x' is not a token id",
                assertThrows(JobConfigException.class, () -> run(in, out, model.toString(), "logit_bias={\"x\": 1}")).getMessage());
    }

    @Test
    void settingsOnlyTheModelCanCheckFailBeforeAnyToken() throws IOException {
        Path model = TestSpark.requireShared("models/stories260K");
        Path input = tmp.resolve("one.jsonl");
        Files.writeString(input, "{\"id\": 1, \"prompt\": \"Once upon a time\"}\n");
        assertEquals("generate: logit_bias id 512 is outside the vocabulary [0, 512)", assertThrows(JobConfigException.class,
                () -> run(input.toString(), tmp.resolve("a").toString(), model.toString(), "logit_bias={\"512\": 1}")).getMessage());
        assertEquals("generate: template: the model file carries no chat template (GGUF tokenizer.chat_template or chat_template in"
                + " tokenizer_config.json); set template to llama2 or llama3", assertThrows(JobConfigException.class,
                () -> run(input.toString(), tmp.resolve("b").toString(), model.toString(), "template=model")).getMessage());
    }

    private static Row row(List<Row> rows, long id, int sample) {
        for (Row r : rows) {
            if ((Long) r.getAs("id") == id && (Integer) r.getAs("sample_index") == sample) {
                return r;
            }
        }
        throw new AssertionError("no row " + id + "/" + sample);
    }

    private static String error(List<Row> rows, long id, int sample) {
        return row(rows, id, sample).getAs("error");
    }

    private static void same(GenerationResult expected, Row r, int promptTokens) {
        String at = "row " + r.getAs("id") + "/" + r.getAs("sample_index");
        assertNull(r.getAs("error"), at);
        assertEquals(expected.text(), r.getAs("completion"), at);
        assertEquals(promptTokens, (int) r.getAs("prompt_tokens"), at);
        List<Integer> ids = r.getList(r.fieldIndex("token_ids"));
        assertArrayEquals(expected.tokens(), ids.stream().mapToInt(Integer::intValue).toArray(), at);
        List<Float> lps = r.getList(r.fieldIndex("token_logprobs"));
        for (int i = 0; i < lps.size(); i++) {
            assertEquals(Float.floatToRawIntBits(expected.logprobs()[i]), Float.floatToRawIntBits(lps.get(i)), at + " logprob " + i);
        }
        assertEquals(expected.finishReason().label(), r.getAs("finish_reason"), at);
    }
}
