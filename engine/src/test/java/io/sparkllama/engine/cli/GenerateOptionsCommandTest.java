package io.sparkllama.engine.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkllama.engine.SharedFiles;
import io.sparkllama.engine.error.InvalidSchemaException;
import io.sparkllama.engine.generate.SampleSeeds;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** generate's and chat's --n, --top-logprobs, --json-schema, --choices, --system and --template. */
class GenerateOptionsCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<JsonNode> run(String... args) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            assertEquals(0, LlamaCli.run(args, out));
        }
        List<JsonNode> lines = new ArrayList<>();
        for (String line : bytes.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                lines.add(JSON.readTree(line));
            }
        }
        return lines;
    }

    private static String model() {
        return SharedFiles.require("models/stories260K/stories260K.bin").toString();
    }

    /** Sample k is what one generation at the jobs' derived seed for k gives; one JSON line per sample. */
    @Test
    void nSamplesAreTheDerivedSeedsGenerations() throws Exception {
        List<JsonNode> samples = run("generate", "--model", model(), "--prompt", "Once upon a time", "--max-tokens", "24",
                "--temperature", "1", "--seed", "7", "--n", "3", "--json");
        assertEquals(3, samples.size());
        for (int k = 0; k < 3; k++) {
            assertEquals(k, samples.get(k).get("sample_index").asInt());
            JsonNode alone = run("generate", "--model", model(), "--prompt", "Once upon a time", "--max-tokens", "24",
                    "--temperature", "1", "--seed", Long.toString(SampleSeeds.of(7, k)), "--json").get(0);
            assertEquals(alone.get("token_ids"), samples.get(k).get("token_ids"), "sample " + k);
            assertEquals(alone.get("token_logprobs"), samples.get(k).get("token_logprobs"), "sample " + k);
            assertEquals(alone.get("text"), samples.get(k).get("text"));
        }
        assertNotEquals(samples.get(0).get("text"), samples.get(1).get("text"));
        assertTrue(!run("generate", "--model", model(), "--prompt", "x", "--max-tokens", "2", "--json").get(0).has("sample_index"));
    }

    /** Greedy with --top-logprobs 3 against run.c's top 5 at each generated position (golden, within 1e-4). */
    @Test
    void topLogprobsMatchRunC() throws Exception {
        JsonNode gold = JSON.readTree(SharedFiles.require("golden/stories260K/generate.json").toFile()).get("cases").get(1);
        assertEquals("Once upon a time", gold.get("prompt").asText());
        JsonNode o = run("generate", "--model", model(), "--prompt", "Once upon a time", "--max-tokens", "10",
                "--top-logprobs", "3", "--json").get(0);
        JsonNode top = o.get("top_logprobs");
        assertEquals(10, top.size());
        List<JsonNode> free = new ArrayList<>();
        for (JsonNode p : gold.get("positions")) {
            if (!p.get("forced").asBoolean()) {
                free.add(p);
            }
        }
        for (int t = 0; t < 10; t++) {
            JsonNode ref = free.get(t).get("top5");
            assertEquals(3, top.get(t).size());
            assertEquals(o.get("token_ids").get(t).asInt(), top.get(t).get(0).get("id").asInt(), "greedy takes the most likely");
            assertEquals(o.get("token_logprobs").get(t).floatValue(), top.get(t).get(0).get("logprob").floatValue(), 0f);
            for (int j = 0; j < 3; j++) {
                assertEquals(ref.get(j).get("id").asInt(), top.get(t).get(j).get("id").asInt(), "token " + t + " rank " + j);
                assertEquals(ref.get(j).get("logprob").asDouble(), top.get(t).get(j).get("logprob").asDouble(), 1e-4);
            }
        }
    }

    @Test
    void jsonSchemaFromTextOrFileAndChoices(@TempDir Path dir) throws Exception {
        String schema = "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\",\"maxLength\":8},\"age\":{\"type\":\"integer\"},"
                + "\"mood\":{\"enum\":[\"glad\",\"sad\"]}},\"required\":[\"name\",\"age\",\"mood\"]}";
        Path file = Files.writeString(dir.resolve("person.json"), schema);
        for (String given : new String[] {schema, file.toString()}) {
            List<JsonNode> rows = run("generate", "--model", model(), "--prompt", "Lily", "--max-tokens", "60", "--temperature", "1",
                    "--n", "4", "--json-schema", given, "--json");
            assertEquals(4, rows.size());
            for (JsonNode r : rows) {
                JsonNode v = JSON.readTree(r.get("text").asText());
                assertEquals(List.of("name", "age", "mood"), fieldNames(v), r.get("text").asText());
                assertTrue(v.get("name").isTextual() && v.get("name").asText().length() <= 8);
                assertTrue(v.get("age").isIntegralNumber());
                assertTrue(List.of("glad", "sad").contains(v.get("mood").asText()));
            }
        }
        for (JsonNode r : run("generate", "--model", model(), "--prompt", "The dog was", "--max-tokens", "8", "--temperature", "2",
                "--n", "6", "--choices", "happy,sad,a cat", "--json")) {
            assertTrue(List.of("happy", "sad", "a cat").contains(r.get("text").asText()), r.get("text").asText());
        }
        assertThrows(UsageException.class, () -> run("generate", "--model", model(), "--prompt", "x", "--json-schema", schema, "--choices", "a,b"));
        InvalidSchemaException bad = assertThrows(InvalidSchemaException.class,
                () -> run("generate", "--model", model(), "--prompt", "x", "--json-schema", "{\"type\":\"int\"}"));
        assertTrue(bad.getMessage().startsWith("json_schema: $.type \"int\" is not supported"), bad.getMessage());
        UsageException missing = assertThrows(UsageException.class,
                () -> run("generate", "--model", model(), "--prompt", "x", "--json-schema", dir.resolve("none.json").toString()));
        assertTrue(missing.getMessage().contains("none.json"), missing.getMessage());
    }

    /** generate with --system and --template is the chat of a system and a user message. */
    @Test
    void systemAndTemplateMakeGenerateAChat() throws Exception {
        String meta = SharedFiles.require("models/stories260K/meta").toString();
        String tok = SharedFiles.require("models/stories260K/tok512.bin").toString();
        JsonNode viaGenerate = run("generate", "--model", meta, "--tokenizer", tok, "--prompt", "Once upon a time", "--system", "Be kind.",
                "--template", "llama2", "--max-tokens", "12", "--json").get(0);
        JsonNode viaChat = run("chat", "--model", meta, "--tokenizer", tok, "--template", "llama2", "--max-tokens", "12", "--json",
                "--messages", "[{\"role\":\"system\",\"content\":\"Be kind.\"},{\"role\":\"user\",\"content\":\"Once upon a time\"}]").get(0);
        JsonNode chatSystem = run("chat", "--model", meta, "--tokenizer", tok, "--template", "llama2", "--max-tokens", "12", "--json",
                "--system", "Be kind.", "--messages", "[{\"role\":\"user\",\"content\":\"Once upon a time\"}]").get(0);
        assertEquals(viaChat.get("prompt_token_ids"), viaGenerate.get("prompt_token_ids"));
        assertEquals(viaChat.get("token_ids"), viaGenerate.get("token_ids"));
        assertEquals(viaChat.get("prompt_token_ids"), chatSystem.get("prompt_token_ids"));
        JsonNode plain = run("generate", "--model", meta, "--tokenizer", tok, "--prompt", "Once upon a time", "--max-tokens", "1", "--json").get(0);
        assertArrayEquals(new int[] {1, 403, 407, 261, 378}, ints(plain.get("prompt_token_ids")));
        assertTrue(viaGenerate.get("prompt_token_ids").size() > 10, "templated: " + viaGenerate.get("prompt_token_ids"));
    }

    @Test
    void outOfRangeCountsAreUsageErrors() {
        UsageException n = assertThrows(UsageException.class, () -> run("generate", "--model", model(), "--prompt", "x", "--n", "17"));
        assertEquals("--n must be in [1, 16], got 17", n.getMessage());
        UsageException k = assertThrows(UsageException.class, () -> run("generate", "--model", model(), "--prompt", "x", "--top-logprobs", "21"));
        assertEquals("--top-logprobs must be in [0, 20], got 21", k.getMessage());
    }

    private static List<String> fieldNames(JsonNode v) {
        List<String> out = new ArrayList<>();
        v.fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static int[] ints(JsonNode a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asInt();
        }
        return out;
    }
}
