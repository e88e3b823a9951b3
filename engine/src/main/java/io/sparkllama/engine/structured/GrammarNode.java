package io.sparkllama.engine.structured;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * A node of a compiled output grammar: what one JSON value (or a bare label) may look like.
 * JSON is written compact (no whitespace), an object's properties all present in schema order,
 * strings of printable ASCII without escapes; so every completion is canonical and parses.
 */
public sealed interface GrammarNode {
    /** The fewest bytes of a value of this node. */
    int minLength();

    /** The frame before the value's first byte. */
    Frame start();

    /**
     * An object with every property, in this order; {@code prefixes[i]} are the bytes before
     * property i's value ({@code "name":}, a comma before all but the first) and
     * {@code suffixMin[i]} the fewest bytes from there to the closing brace.
     */
    record ObjectNode(List<String> names, List<GrammarNode> values, byte[][] prefixes, int[] suffixMin) implements GrammarNode {
        public static ObjectNode of(List<String> names, List<GrammarNode> values) {
            int n = names.size();
            byte[][] prefixes = new byte[n][];
            int[] suffixMin = new int[n + 1];
            suffixMin[n] = 1;
            for (int i = n - 1; i >= 0; i--) {
                prefixes[i] = ((i == 0 ? "" : ",") + "\"" + names.get(i) + "\":").getBytes(StandardCharsets.UTF_8);
                suffixMin[i] = MatchState.saturatedAdd(prefixes[i].length + values.get(i).minLength(), suffixMin[i + 1]);
            }
            return new ObjectNode(List.copyOf(names), List.copyOf(values), prefixes, suffixMin);
        }

        @Override
        public int minLength() {
            return 1 + suffixMin[0];
        }

        @Override
        public Frame start() {
            return new ObjectFrame(this, -1, 0);
        }
    }

    /** An array of {@code minItems} to {@code maxItems} values of {@code items}. */
    record ArrayNode(GrammarNode items, int minItems, int maxItems) implements GrammarNode {
        @Override
        public int minLength() {
            return MatchState.saturatedAdd(2 + Math.max(0, minItems - 1), (int) Math.min(Integer.MAX_VALUE, (long) minItems * items.minLength()));
        }

        @Override
        public Frame start() {
            return new ArrayFrame(this, ArrayFrame.OPEN, 0);
        }
    }

    /** A string of {@code minLength} to {@code maxLength} printable ASCII characters, quotes and backslashes excluded. */
    record StringNode(int minChars, int maxChars) implements GrammarNode {
        @Override
        public int minLength() {
            return 2 + minChars;
        }

        @Override
        public Frame start() {
            return new StringFrame(this, -1);
        }
    }

    /** A JSON number; {@code integer}: no fraction or exponent. */
    record NumberNode(boolean integer) implements GrammarNode {
        @Override
        public int minLength() {
            return 1;
        }

        @Override
        public Frame start() {
            return new NumberFrame(this, NumberFrame.START, 0);
        }
    }

    /** Exactly one of a set of byte strings (enum values as JSON text, booleans, labels); sorted, distinct, none empty. */
    record LiteralNode(byte[][] literals) implements GrammarNode {
        public LiteralNode {
            literals = literals.clone();
            Arrays.sort(literals, Arrays::compareUnsigned);
        }

        @Override
        public int minLength() {
            int min = Integer.MAX_VALUE;
            for (byte[] l : literals) {
                min = Math.min(min, l.length);
            }
            return min;
        }

        @Override
        public Frame start() {
            return new LiteralFrame(this, 0, literals.length, 0);
        }
    }
}
