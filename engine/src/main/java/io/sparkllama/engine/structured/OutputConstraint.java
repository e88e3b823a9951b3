package io.sparkllama.engine.structured;

import io.sparkllama.engine.error.InvalidSchemaException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a constrained completion must be: JSON text conforming to a {@code json_schema}, or exactly
 * one of a list of {@code choices}. Compiled once per schema or label list and kept (a few hundred
 * at most) for the JVM, so each executor compiles a job's schema once. Immutable.
 */
public final class OutputConstraint {
    /** Compiled constraints kept per JVM; past this the cache starts over. */
    static final int CACHE_SIZE = 256;
    /** Most labels in {@code choices}. */
    public static final int MAX_CHOICES = 4096;
    private static final Map<String, OutputConstraint> CACHE = new ConcurrentHashMap<>();

    private final GrammarNode root;
    private final String description;

    private OutputConstraint(GrammarNode root, String description) {
        this.root = root;
        this.description = description;
    }

    /** The constraint of {@code jsonSchema} or else {@code choices} (a caller's output format). */
    public static OutputConstraint of(String jsonSchema, List<String> choices) {
        return jsonSchema != null ? jsonSchema(jsonSchema) : choices(choices);
    }

    /** @throws InvalidSchemaException naming the schema path at fault */
    public static OutputConstraint jsonSchema(String schema) {
        if (schema == null || schema.isBlank()) {
            throw new InvalidSchemaException("json_schema is empty; give a JSON Schema object, e.g. {\"type\":\"object\",\"properties\":{...}}");
        }
        return cached("json_schema\u0000" + schema, () -> new OutputConstraint(JsonSchemaCompiler.compile(schema), "json_schema"));
    }

    /** @throws InvalidSchemaException for no labels, an empty label or too many */
    public static OutputConstraint choices(List<String> labels) {
        if (labels == null || labels.isEmpty()) {
            throw new InvalidSchemaException("choices is empty; give at least one label");
        }
        if (labels.size() > MAX_CHOICES) {
            throw new InvalidSchemaException("choices has " + labels.size() + " labels, over " + MAX_CHOICES);
        }
        Set<String> distinct = new LinkedHashSet<>();
        for (String l : labels) {
            if (l == null || l.isEmpty()) {
                throw new InvalidSchemaException("choices holds " + (l == null ? "a null" : "an empty") + " label; every label must be non-empty text");
            }
            distinct.add(l);
        }
        return cached("choices\u0000" + String.join("\u0000", distinct), () -> {
            List<byte[]> lits = new ArrayList<>();
            for (String l : distinct) {
                lits.add(l.getBytes(StandardCharsets.UTF_8));
            }
            return new OutputConstraint(new GrammarNode.LiteralNode(lits.toArray(new byte[0][])), "choices");
        });
    }

    private static OutputConstraint cached(String key, java.util.function.Supplier<OutputConstraint> compile) {
        OutputConstraint c = CACHE.get(key);
        if (c == null) {
            c = compile.get(); // outside computeIfAbsent: a bad schema throws without touching the map
            if (CACHE.size() >= CACHE_SIZE) {
                CACHE.clear();
            }
            CACHE.put(key, c);
        }
        return c;
    }

    public GrammarNode grammar() {
        return root;
    }

    /** The state before the first byte. */
    public MatchState start() {
        return MatchState.start(root);
    }

    /** The fewest bytes (so the fewest single-byte tokens) of a complete value. */
    public int minBytes() {
        return root.minLength();
    }

    /** {@code json_schema} or {@code choices}, for messages. */
    public String setting() {
        return description;
    }
}
