package io.sparkllama.engine.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkllama.engine.error.ModelConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A small JSON configuration file (config.json, params.json) with typed, checked field access. */
public final class JsonConfigFile {
    /** Larger than any real configuration; refused before reading. */
    private static final long MAX_BYTES = 16L << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path path;
    private final JsonNode root;

    private JsonConfigFile(Path path, JsonNode root) {
        this.path = path;
        this.root = root;
    }

    public static JsonConfigFile read(Path path) {
        try {
            long size = Files.size(path);
            if (size > MAX_BYTES) {
                throw new ModelConfigException(path + ": " + size + " bytes is too large for a model configuration");
            }
            return parse(path, Files.readAllBytes(path));
        } catch (IOException e) {
            throw new ModelConfigException(path + ": cannot read (" + e.getMessage() + ")");
        }
    }

    public static JsonConfigFile parse(Path path, byte[] bytes) {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new ModelConfigException(path + ": not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        if (root == null || !root.isObject()) {
            throw new ModelConfigException(path + ": not a JSON object");
        }
        return new JsonConfigFile(path, root);
    }

    /** A dict read from elsewhere (a checkpoint's model_args), checked like a file; {@code origin} names it in errors. */
    public static JsonConfigFile of(Path origin, java.util.Map<?, ?> values) {
        JsonNode node = JSON.valueToTree(values);
        if (node == null || !node.isObject()) {
            throw new ModelConfigException(origin + ": not a dict of settings");
        }
        return new JsonConfigFile(origin, node);
    }

    public Path path() {
        return path;
    }

    public JsonNode root() {
        return root;
    }

    public boolean has(String field) {
        JsonNode n = root.get(field);
        return n != null && !n.isNull();
    }

    /** A required positive int field. */
    public int positiveInt(String field) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            throw fail(field, "is missing");
        }
        return positive(field, n);
    }

    public int positiveInt(String field, int fallback) {
        JsonNode n = root.get(field);
        return n == null || n.isNull() ? fallback : positive(field, n);
    }

    /** An int field that may be any value, e.g. Meta's vocab_size -1 meaning "from the tokenizer". */
    public int anyInt(String field, int fallback) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            throw fail(field, "is " + n + ", expected an integer");
        }
        return n.intValue();
    }

    public double positiveNumber(String field, double fallback) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return fallback;
        }
        return positiveNumber(this.path, field, n);
    }

    public boolean bool(String field, boolean fallback) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isBoolean()) {
            throw fail(field, "is " + n + ", expected true or false");
        }
        return n.booleanValue();
    }

    public String text(String field, String fallback) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isTextual()) {
            throw fail(field, "is " + n + ", expected a string");
        }
        return n.textValue();
    }

    /** A positive finite number in {@code node}, reported as {@code field} of this file. */
    public static double positiveNumber(Path path, String field, JsonNode n) {
        if (!n.isNumber() || !(n.doubleValue() > 0) || Double.isInfinite(n.doubleValue())) {
            throw new ModelConfigException(path + ": field " + field + " is " + n + ", expected a positive number");
        }
        return n.doubleValue();
    }

    private int positive(String field, JsonNode n) {
        if (!n.isIntegralNumber() || !n.canConvertToInt() || n.intValue() <= 0) {
            throw fail(field, "is " + n + ", expected a positive integer");
        }
        return n.intValue();
    }

    public ModelConfigException fail(String field, String problem) {
        return new ModelConfigException(path + ": field " + field + " " + problem);
    }
}
