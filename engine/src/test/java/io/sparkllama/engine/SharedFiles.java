package io.sparkllama.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates ../shared (models, golden outputs, datasets); a test whose file is absent is skipped,
 * saying which, except in CI ({@code CI=true}), where it fails: there a skip would pass unchecked.
 */
public final class SharedFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SharedFiles() {
    }

    public static Path root() {
        String prop = System.getProperty("spark.llama.shared");
        Path p = prop != null ? Path.of(prop) : Path.of("..", "shared");
        if (!Files.isDirectory(p)) {
            p = Path.of("..", "..", "shared");
        }
        return p.toAbsolutePath().normalize();
    }

    /** A path under ../shared; skips the calling test when it does not exist, fails it in CI. */
    public static Path require(String relative) {
        Path p = root().resolve(relative);
        if (!Files.exists(p) && inCi()) {
            fail(p + " is not there, and CI=true: CI must check with the shared files (see ../shared/README.md;"
                    + " -Dspark.llama.shared=DIR points elsewhere)");
        }
        assumeTrue(Files.exists(p), "skipped: " + p + " is not there (see ../shared/README.md)");
        return p;
    }

    /** CI runs set {@code CI=true} (GitHub Actions, GitLab and most others do); {@code -Dspark.llama.ci=true} too. */
    static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI")) || Boolean.getBoolean("spark.llama.ci");
    }

    public static JsonNode json(String relative) {
        try {
            return JSON.readTree(require(relative).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code node.get(field)} as an array of at least one element, so that a loop over it checks something. */
    public static JsonNode items(JsonNode node, String field) {
        JsonNode a = node.get(field);
        assertTrue(a != null && a.isArray() && !a.isEmpty(), "golden data: '" + field + "' is missing or empty");
        return a;
    }

    /** The tokenizer a golden file names ({@code tokenizer_file} is a bare file name). */
    public static Path goldenTokenizer(JsonNode golden) {
        String name = golden.get("tokenizer_file").asText();
        return require(name.equals("tokenizer.bin") ? "models/llama2-tokenizer/tokenizer.bin" : "models/stories260K/" + name);
    }

    public static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }
}
