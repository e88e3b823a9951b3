package io.sparkllama.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkllama.jobs.JobSummary;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A GGUF declaring a 1M-token context runs the generate and score jobs at default settings with the
 * same bits as the same weights declaring 512 (the old heap KV cache asked 1.25 GiB per sequence of
 * this 2 GiB test JVM); a row over a small kv_cache_memory gets an error naming the setting.
 */
class LongContextJobTest {
    @TempDir
    Path tmp;

    @Test
    void millionTokenContextMatchesFiveTwelveInGenerateAndScore() throws IOException {
        Path gguf = TestSpark.requireShared("models/stories260K/gguf/stories260K-f32.gguf");
        Path ctx512 = withContext(gguf, 512);
        Path ctx1m = withContext(gguf, 1 << 20);
        Path prompts = tmp.resolve("prompts.jsonl");
        Files.writeString(prompts, String.join("\n",
                "{\"id\": 1, \"prompt\": \"Once upon a time\"}",
                "{\"id\": 2, \"prompt\": \"Lily wanted to play in the park with her friend Tom\"}",
                "{\"id\": 3, \"prompt\": \"The little fish\", \"temperature\": 0.9, \"seed\": 11}",
                "{\"id\": 4, \"prompt\": \"" + "a big red ball ".repeat(40) + "\"}") + "\n");
        List<Row> small = generate(prompts, ctx512, "g512");
        List<Row> big = generate(prompts, ctx1m, "g1m");
        for (int i = 0; i < small.size(); i++) {
            assertNull(big.get(i).getAs("error"), "row " + i);
            assertEquals(small.get(i).getList(small.get(i).fieldIndex("token_ids")), big.get(i).getList(big.get(i).fieldIndex("token_ids")), "ids " + i);
            assertEquals(bits(small.get(i).getList(small.get(i).fieldIndex("token_logprobs"))),
                    bits(big.get(i).getList(big.get(i).fieldIndex("token_logprobs"))), "logprobs " + i);
            assertEquals((String) small.get(i).getAs("completion"), big.get(i).getAs("completion"), "completion " + i);
        }
        assertEquals(4, small.size());
        JsonNode memory = new ObjectMapper().readTree(tmp.resolve("g1m").resolve("_spark_llama.json").toFile()).get("memory");
        assertNotNull(memory, "_spark_llama.json has a memory entry");
        assertEquals(Files.size(ctx1m), memory.get("mapped_weight_bytes").asLong());
        assertTrue(memory.get("kv_cache_peak_bytes").asLong() > 0, memory.toString());

        Path texts = tmp.resolve("texts.jsonl");
        Files.writeString(texts, String.join("\n",
                "{\"id\": 1, \"text\": \"Once upon a time, there was a little girl named Lily.\"}",
                "{\"id\": 2, \"text\": \"" + "She liked to play outside with her dog. ".repeat(12) + "\"}") + "\n");
        JobRunner.run("score", texts.toString(), tmp.resolve("s512").toString(), ctx512.toString());
        JobRunner.run("score", texts.toString(), tmp.resolve("s1m").toString(), ctx1m.toString());
        List<Row> s512 = rows(tmp.resolve("s512"));
        List<Row> s1m = rows(tmp.resolve("s1m"));
        for (int i = 0; i < s512.size(); i++) {
            assertNull(s1m.get(i).getAs("error"), "score row " + i);
            assertEquals(bits(s512.get(i).getList(s512.get(i).fieldIndex("token_logprobs"))),
                    bits(s1m.get(i).getList(s1m.get(i).fieldIndex("token_logprobs"))), "score logprobs " + i);
        }
    }

    @Test
    void rowOverTheKvBudgetGetsAnErrorAndTheJobGoesOn() throws IOException {
        Path gguf = TestSpark.requireShared("models/stories260K/gguf/stories260K-f32.gguf");
        Path prompts = tmp.resolve("budget.jsonl");
        Files.writeString(prompts, String.join("\n",
                "{\"id\": 1, \"prompt\": \"Once upon a time\", \"max_tokens\": 8}",
                "{\"id\": 2, \"prompt\": \"" + "a big red ball ".repeat(60) + "\", \"max_tokens\": 8}") + "\n");
        // stories260K: 5 layers x 32 positions x 32 x 2 floats = 40 KiB a block; 400k over local[2]'s 2 task slots
        // gives each task 200k: 5 blocks, 160 positions.
        JobSummary s = JobRunner.run("generate", prompts.toString(), tmp.resolve("b").toString(), gguf.toString(),
                "kv_cache_memory=400k", "partitions=1");
        assertEquals(2, s.rows());
        assertEquals(1, s.errors());
        List<Row> rows = rows(tmp.resolve("b"));
        assertNull(rows.get(0).getAs("error"));
        String error = rows.get(1).getAs("error");
        assertTrue(error != null && error.contains("this task's share of kv_cache_memory (409600 bytes (0.39 MiB) over 2 task slots) = 204800 bytes")
                && error.contains("room for 160 positions")
                && error.contains("+ up to 8 new tokens"), error);
    }

    private List<Row> generate(Path prompts, Path model, String out) {
        JobRunner.run("generate", prompts.toString(), tmp.resolve(out).toString(), model.toString(), "max_tokens=40", "partitions=2");
        return rows(tmp.resolve(out));
    }

    private static List<Row> rows(Path dir) {
        return TestSpark.session().read().parquet(dir.toString()).orderBy("id").collectAsList();
    }

    private static List<Integer> bits(List<Float> values) {
        return values.stream().map(Float::floatToRawIntBits).toList();
    }

    /** A copy of {@code gguf} whose uint32 {@code llama.context_length} says {@code context}; weights untouched. */
    private Path withContext(Path gguf, int context) throws IOException {
        byte[] bytes = Files.readAllBytes(gguf);
        byte[] key = "llama.context_length".getBytes(StandardCharsets.UTF_8);
        int at = -1;
        for (int i = 0; i + key.length <= bytes.length && at < 0; i++) {
            if (java.util.Arrays.equals(bytes, i, i + key.length, key, 0, key.length)) {
                at = i;
            }
        }
        assertTrue(at >= 0, "llama.context_length in " + gguf);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(4, b.getInt(at + key.length), "uint32 type");
        b.putInt(at + key.length + 4, context);
        Path out = tmp.resolve("ctx" + context + ".gguf");
        Files.write(out, bytes);
        return out;
    }
}
