package io.sparkllama.engine.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkllama.engine.SharedFiles;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code llama chat}: template, generation and the JSON fields of generate. */
class ChatCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode run(String... args) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            assertEquals(0, LlamaCli.run(args, out));
        }
        return JSON.readTree(bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void llama3ChatOnAMetaCheckpointWithItsTiktokenTokenizer() throws Exception {
        JsonNode o = run("chat", "--model", SharedFiles.require("models/tiny-random-llama3/meta").toString(),
                "--tokenizer", SharedFiles.require("models/llama3-tokenizer/tokenizer.model").toString(),
                "--messages", "[{\"role\":\"user\",\"content\":\"hi\"}]", "--template", "llama3", "--max-tokens", "5", "--json");
        int[] prompt = ints(o.get("prompt_token_ids"));
        assertArrayEquals(new int[] {128000, 128006, 882, 128007, 271, 6151, 128009, 128006, 78191, 128007, 271}, prompt);
        assertEquals(5, o.get("token_ids").size());
        for (String field : new String[] {"token_logprobs", "text", "finish_reason", "prompt_tok_per_s", "decode_tok_per_s"}) {
            assertTrue(o.has(field), field);
        }
    }

    @Test
    void llama2ChatOnStories() throws Exception {
        JsonNode o = run("chat", "--model", SharedFiles.require("models/stories260K/meta").toString(),
                "--tokenizer", SharedFiles.require("models/stories260K/tok512.bin").toString(),
                "--messages", "[{\"role\":\"user\",\"content\":\"Once upon a time\"}]", "--template", "llama2", "--max-tokens", "200", "--json");
        assertEquals(1, o.get("prompt_token_ids").get(0).asInt());
        String reason = o.get("finish_reason").asText();
        assertTrue(reason.equals("stop") || reason.equals("length"), reason);
    }

    /** generate's --stop, --logit-bias and the penalties; chat's default template is the model's own, which stories260K lacks. */
    @Test
    void samplingFlagsAndTheModelTemplate() throws Exception {
        String model = SharedFiles.require("models/stories260K/stories260K.bin").toString();
        JsonNode free = run("generate", "--model", model, "--prompt", "Once upon a time", "--max-tokens", "30", "--json");
        String text = free.get("text").asText();
        JsonNode stopped = run("generate", "--model", model, "--prompt", "Once upon a time", "--max-tokens", "30", "--stop", "[\"zz\", \"e\"]", "--json");
        assertEquals(text.substring(0, text.indexOf('e')), stopped.get("text").asText());
        assertEquals("stop", stopped.get("finish_reason").asText());
        int first = free.get("token_ids").get(0).asInt();
        JsonNode banned = run("generate", "--model", model, "--prompt", "Once upon a time", "--max-tokens", "1",
                "--logit-bias", "{\"" + first + "\": -100}", "--repetition-penalty", "1.2", "--json");
        assertTrue(banned.get("token_ids").get(0).asInt() != first, "a -100 bias moves greedy off its first choice");
        io.sparkllama.engine.error.InvalidRequestException e = assertThrows(io.sparkllama.engine.error.InvalidRequestException.class,
                () -> run("generate", "--model", model, "--prompt", "x", "--stop", "[1]"));
        assertEquals("stop must be a JSON array of strings; element 0 is 1", e.getMessage());
        io.sparkllama.engine.error.ChatTemplateException t = assertThrows(io.sparkllama.engine.error.ChatTemplateException.class,
                () -> run("chat", "--model", model, "--messages", "[{\"role\":\"user\",\"content\":\"hi\"}]"));
        assertTrue(t.getMessage().startsWith("template: the model file carries no chat template"), t.getMessage());
    }

    @Test
    void badMessagesAreAUsageError() {
        assertThrows(UsageException.class, () -> run("chat", "--model", "x", "--messages", "{not json", "--template", "llama2"));
        assertThrows(UsageException.class, () -> run("chat", "--model", "x", "--messages", "[{\"role\":\"user\"}]", "--template", "llama2"));
    }

    private static int[] ints(JsonNode a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asInt();
        }
        return out;
    }
}
