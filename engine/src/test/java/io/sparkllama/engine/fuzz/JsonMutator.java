package io.sparkllama.engine.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Structure-aware corruptions of a JSON file (config.json, params.json, a safetensors header,
 * tokenizer.json): one to three values replaced by boundary numbers (0, -1, 2^31, 2^63, 1e308),
 * doubled or off by one, the wrong type, null, removed, or two values of one type swapped;
 * sometimes a byte flip or a truncation
 * of the result. Each seed gives one mutant.
 */
final class JsonMutator {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final JsonNode[] REPLACEMENTS = {F.numberNode(0), F.numberNode(-1), F.numberNode(1), F.numberNode(2),
            F.numberNode(2147483647), F.numberNode(2147483648L), F.numberNode(4294967296L), F.numberNode(Long.MAX_VALUE),
            F.numberNode(BigInteger.ONE.shiftLeft(63)), F.numberNode(BigInteger.ONE.shiftLeft(64)), F.numberNode(1e308),
            F.numberNode(-0.5), F.numberNode(0.5), F.numberNode(1e-30), F.textNode("x"), F.nullNode(), F.booleanNode(true),
            F.arrayNode(), F.objectNode()};

    private final JsonNode root;

    JsonMutator(byte[] original) {
        this.root = parse(original);
    }

    private static JsonNode parse(byte[] bytes) {
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    byte[] mutate(long seed) {
        Random rnd = new Random(seed * 0x9E3779B97F4A7C15L + 29);
        JsonNode copy = root.deepCopy();
        List<Object[]> live = new ArrayList<>();
        gather(copy, live);
        int edits = 1 + rnd.nextInt(3);
        for (int e = 0; e < edits && !live.isEmpty(); e++) {
            Object[] slot = live.get(rnd.nextInt(live.size()));
            if (rnd.nextInt(4) == 0) {
                swap(slot, live.get(rnd.nextInt(live.size())));
            } else {
                edit(slot[0], slot[1], rnd);
            }
        }
        byte[] out = write(copy);
        int tail = rnd.nextInt(12);
        if (tail == 0) {
            out[rnd.nextInt(out.length)] ^= (byte) (1 << rnd.nextInt(8));
        } else if (tail == 1) {
            out = Arrays.copyOf(out, rnd.nextInt(out.length));
        }
        return out;
    }

    /** The slots of {@code node}'s tree as {container, key-or-index}. */
    private static void gather(JsonNode node, List<Object[]> out) {
        if (node instanceof ObjectNode o) {
            List<String> keys = new ArrayList<>();
            o.fieldNames().forEachRemaining(keys::add);
            for (String k : keys) {
                out.add(new Object[] {o, k});
                gather(o.get(k), out);
            }
        } else if (node instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                out.add(new Object[] {a, i});
                gather(a.get(i), out);
            }
        }
    }

    /** Exchanges two values of the same JSON type (two ids, two dimensions): often still a well-formed file. */
    private static void swap(Object[] a, Object[] b) {
        JsonNode va = get(a[0], a[1]);
        JsonNode vb = get(b[0], b[1]);
        if (va != null && vb != null && va.getNodeType() == vb.getNodeType() && va.isValueNode()) {
            set(a[0], a[1], vb);
            set(b[0], b[1], va);
        }
    }

    private static JsonNode get(Object container, Object key) {
        return container instanceof ObjectNode o ? o.get((String) key) : ((ArrayNode) container).get((Integer) key);
    }

    private static void set(Object container, Object key, JsonNode v) {
        if (container instanceof ObjectNode o) {
            o.set((String) key, v);
        } else {
            ((ArrayNode) container).set((Integer) key, v);
        }
    }

    private static void edit(Object container, Object key, Random rnd) {
        JsonNode old = get(container, key);
        if (old == null) {
            return;   // removed by an earlier edit
        }
        int kind = rnd.nextInt(8);
        if (kind == 0 && container instanceof ObjectNode o) {
            o.remove((String) key);
            return;
        }
        JsonNode v;
        if (kind <= 2 && old.isIntegralNumber()) {
            v = kind == 1 ? F.numberNode(old.bigIntegerValue().shiftLeft(1)) : F.numberNode(old.bigIntegerValue().add(BigInteger.valueOf(rnd.nextBoolean() ? 1 : -1)));
        } else {
            v = REPLACEMENTS[rnd.nextInt(REPLACEMENTS.length)];
        }
        set(container, key, v);
    }

    private static byte[] write(JsonNode node) {
        try {
            return JSON.writeValueAsString(node).getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
