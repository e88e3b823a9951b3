package io.sparkllama.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkllama.engine.SharedFiles;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code --kv-cache-type}: f32 is the default's output, f16 halves the KV bytes and moves the logprobs; a bad type is a usage error. */
class KvCacheTypeOptionTest {
    private static JsonNode score(String... extra) throws Exception {
        String model = SharedFiles.require("models/stories260K").toString();
        String[] base = {"score", "--model", model, "--text", "Once upon a time, there was a little girl named Lily.", "--json"};
        String[] args = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            assertEquals(0, LlamaCli.run(args, out));
        }
        return new ObjectMapper().readTree(bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void typesAndMistakes() throws Exception {
        JsonNode plain = score();
        JsonNode f32 = score("--kv-cache-type", "f32");
        JsonNode f16 = score("--kv-cache-type", "F16");
        assertEquals(plain.get("token_logprobs"), f32.get("token_logprobs"));
        assertNotEquals(plain.get("token_logprobs"), f16.get("token_logprobs"));
        assertEquals("f32", plain.get("memory").get("kv_cache_type").asText());
        assertEquals("f16", f16.get("memory").get("kv_cache_type").asText());
        // The same budget, in whole blocks (an odd count of f16 blocks may hold half an f32 block more).
        assertEquals(plain.get("memory").get("kv_cache_capacity_bytes").asDouble(), f16.get("memory").get("kv_cache_capacity_bytes").asDouble(),
                plain.get("memory").get("kv_cache_peak_bytes").asDouble(), "the same budget");
        assertEquals(plain.get("memory").get("kv_cache_peak_bytes").asLong(), 2 * f16.get("memory").get("kv_cache_peak_bytes").asLong(),
                "half the bytes for the same positions");
        UsageException e = assertThrows(UsageException.class, () -> score("--kv-cache-type", "q8"));
        assertEquals("--kv-cache-type must be f32, f16 or bf16, got 'q8'", e.getMessage());
    }
}
