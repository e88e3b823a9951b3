package io.sparkllama.engine;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Locates ../shared (models, golden outputs, datasets); a test whose file is absent is skipped, saying which. */
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

    /** A path under ../shared; skips the calling test when it does not exist. */
    public static Path require(String relative) {
        Path p = root().resolve(relative);
        assumeTrue(Files.exists(p), "skipped: " + p + " is not there (see ../shared/README.md)");
        return p;
    }

    public static JsonNode json(String relative) {
        try {
            return JSON.readTree(require(relative).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
