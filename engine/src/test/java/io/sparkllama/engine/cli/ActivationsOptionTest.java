package io.sparkllama.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkllama.engine.SharedFiles;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code --activations}: int8 is the default, fp32 changes the numbers, anything else is refused by name. */
class ActivationsOptionTest {
    private static final String TEXT = "Once upon a time, there was a little girl named Lily.";

    private static double sumLogprob(String... extra) throws Exception {
        String model = SharedFiles.require("models/stories260K-h192/gguf/stories260K-h192-q4_0.gguf").toString();
        String[] base = {"score", "--model", model, "--text", TEXT, "--json"};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            assertEquals(0, LlamaCli.run(args, out));
        }
        return new ObjectMapper().readTree(bytes.toString(StandardCharsets.UTF_8)).get("sum_logprob").asDouble();
    }

    @Test
    void int8IsTheDefaultAndFp32DiffersFromIt() throws Exception {
        double byDefault = sumLogprob();
        assertEquals(byDefault, sumLogprob("--activations", "INT8"));
        assertNotEquals(byDefault, sumLogprob("--activations", "fp32"));
    }

    @Test
    void unknownPrecisionIsAUsageError() {
        UsageException e = assertThrows(UsageException.class, () -> sumLogprob("--activations", "int4"));
        assertEquals("--activations must be int8 or fp32, not 'int4'", e.getMessage());
    }
}
