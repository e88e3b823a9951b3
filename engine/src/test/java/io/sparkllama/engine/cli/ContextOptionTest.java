package io.sparkllama.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sparkllama.engine.SharedFiles;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code --context}: a negative value is a usage error (issue 24 row 14), 0 is the model's own. */
class ContextOptionTest {
    private static int score(String context) {
        String model = SharedFiles.require("models/stories260K").toString();
        try (PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)) {
            return LlamaCli.run(new String[] {"score", "--model", model, "--text", "Once upon a time", "--context", context, "--json"}, out);
        }
    }

    @Test
    void aNegativeContextIsRefused() {
        UsageException e = assertThrows(UsageException.class, () -> score("-1"));
        assertEquals("--context must be >= 0 (0 = the model's own), got -1", e.getMessage());
        assertEquals(0, score("0"));
        assertEquals(0, score("64"));
    }
}
