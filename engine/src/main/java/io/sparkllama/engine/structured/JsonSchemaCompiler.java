package io.sparkllama.engine.structured;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkllama.engine.error.InvalidSchemaException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compiles the supported JSON Schema subset to a {@link GrammarNode}: {@code type} object (with
 * {@code properties}, {@code required}), array ({@code items}, {@code minItems}, {@code maxItems}),
 * string ({@code minLength}, {@code maxLength}), number, integer, boolean, and {@code enum};
 * {@code title}, {@code description}, {@code $schema} and {@code additionalProperties: false} are
 * accepted and ignored. Anything else is an {@link InvalidSchemaException} naming its path.
 */
public final class JsonSchemaCompiler {
    /** Deepest nesting of objects and arrays. */
    public static final int MAX_DEPTH = 32;
    /** Most values of one {@code enum}. */
    public static final int MAX_ENUM = 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> IGNORED = Set.of("title", "description", "$schema", "$id", "additionalProperties");

    private JsonSchemaCompiler() {
    }

    /** The grammar of {@code schema}, a JSON Schema as text. */
    public static GrammarNode compile(String schema) {
        JsonNode root;
        try {
            root = JSON.readTree(schema);
        } catch (JsonProcessingException e) {
            throw fail("$", "is not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (root == null || root.isMissingNode()) {
            throw fail("$", "is empty");
        }
        return node(root, "$", 0);
    }

    private static GrammarNode node(JsonNode s, String path, int depth) {
        if (!s.isObject()) {
            throw fail(path, "must be a JSON object, got " + s.getNodeType().name().toLowerCase());
        }
        if (depth > MAX_DEPTH) {
            throw fail(path, "nests deeper than " + MAX_DEPTH + " levels");
        }
        JsonNode additional = s.get("additionalProperties");
        if (additional != null && !(additional.isBoolean() && !additional.booleanValue())) {
            throw fail(path + ".additionalProperties", "is not supported except as false (only the listed properties are written)");
        }
        if (s.has("enum")) {
            allowOnly(s, path, Set.of("enum", "type"));
            return enumNode(s.get("enum"), path + ".enum");
        }
        JsonNode type = s.get("type");
        if (type == null) {
            throw fail(path, "has no \"type\" (one of object, array, string, number, integer, boolean) and no \"enum\"");
        }
        if (!type.isTextual()) {
            throw fail(path + ".type", "must be one string (object, array, string, number, integer or boolean), got " + type);
        }
        switch (type.textValue()) {
            case "object":
                allowOnly(s, path, Set.of("type", "properties", "required"));
                return object(s, path, depth);
            case "array":
                allowOnly(s, path, Set.of("type", "items", "minItems", "maxItems"));
                JsonNode items = s.get("items");
                if (items == null) {
                    throw fail(path, "is an array without \"items\"");
                }
                int minItems = count(s, "minItems", 0, path);
                int maxItems = count(s, "maxItems", Integer.MAX_VALUE, path);
                if (maxItems < minItems) {
                    throw fail(path + ".maxItems", "is below minItems (" + maxItems + " < " + minItems + ")");
                }
                return new GrammarNode.ArrayNode(node(items, path + ".items", depth + 1), minItems, maxItems);
            case "string":
                allowOnly(s, path, Set.of("type", "minLength", "maxLength"));
                int minLength = count(s, "minLength", 0, path);
                int maxLength = count(s, "maxLength", Integer.MAX_VALUE, path);
                if (maxLength < minLength) {
                    throw fail(path + ".maxLength", "is below minLength (" + maxLength + " < " + minLength + ")");
                }
                return new GrammarNode.StringNode(minLength, maxLength);
            case "number":
            case "integer":
                allowOnly(s, path, Set.of("type"));
                return new GrammarNode.NumberNode(type.textValue().equals("integer"));
            case "boolean":
                allowOnly(s, path, Set.of("type"));
                return new GrammarNode.LiteralNode(new byte[][] {bytes("false"), bytes("true")});
            default:
                throw fail(path + ".type", "\"" + type.textValue() + "\" is not supported; use object, array, string, number, integer or boolean");
        }
    }

    private static GrammarNode object(JsonNode s, String path, int depth) {
        JsonNode props = s.get("properties");
        if (props != null && !props.isObject()) {
            throw fail(path + ".properties", "must be an object of property schemas");
        }
        List<String> names = new ArrayList<>();
        List<GrammarNode> values = new ArrayList<>();
        if (props != null) {
            for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String name = e.getKey();
                if (name.isEmpty() || !name.chars().allMatch(StringFrame::allowed)) {
                    throw fail(path + ".properties", "property name \"" + name + "\" must be non-empty printable ASCII without quotes or backslashes");
                }
                names.add(name);
                values.add(node(e.getValue(), path + ".properties." + name, depth + 1));
            }
        }
        JsonNode required = s.get("required");
        if (required != null) {
            if (!required.isArray()) {
                throw fail(path + ".required", "must be an array of property names");
            }
            for (JsonNode r : required) {
                if (!r.isTextual() || !names.contains(r.textValue())) {
                    throw fail(path + ".required", "names " + r + ", which is not in properties");
                }
            }
        }
        return GrammarNode.ObjectNode.of(names, values);
    }

    private static GrammarNode enumNode(JsonNode values, String path) {
        if (!values.isArray() || values.isEmpty()) {
            throw fail(path, "must be a non-empty array");
        }
        if (values.size() > MAX_ENUM) {
            throw fail(path, "has " + values.size() + " values, over " + MAX_ENUM);
        }
        Set<String> texts = new HashSet<>();
        List<byte[]> literals = new ArrayList<>();
        for (JsonNode v : values) {
            boolean plainString = v.isTextual() && v.textValue().chars().allMatch(StringFrame::allowed);
            if (!(plainString || v.isNumber() || v.isBoolean())) {
                throw fail(path, "value " + v + " is not supported: use strings of printable ASCII without quotes or backslashes, numbers or booleans");
            }
            String text = v.toString();
            if (texts.add(text)) {
                literals.add(bytes(text));
            }
        }
        return new GrammarNode.LiteralNode(literals.toArray(new byte[0][]));
    }

    private static void allowOnly(JsonNode s, String path, Set<String> keys) {
        for (Iterator<String> it = s.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!keys.contains(k) && !IGNORED.contains(k)) {
                throw fail(path + "." + k, "is not supported here (supported: " + String.join(", ", keys.stream().sorted().toList()) + ")");
            }
        }
    }

    private static int count(JsonNode s, String key, int fallback, String path) {
        JsonNode v = s.get(key);
        if (v == null) {
            return fallback;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber() || v.intValue() < 0) {
            throw fail(path + "." + key, "must be a non-negative integer, got " + v);
        }
        return v.intValue();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static InvalidSchemaException fail(String path, String what) {
        return new InvalidSchemaException("json_schema: " + path + " " + what);
    }
}
