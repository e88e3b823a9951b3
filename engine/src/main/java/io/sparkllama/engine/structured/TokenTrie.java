package io.sparkllama.engine.structured;

import io.sparkllama.engine.error.InvalidSchemaException;
import io.sparkllama.engine.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.WeakHashMap;

/**
 * The vocabulary as a trie of each token's decoded bytes, so that a mask step walks a grammar
 * state once per shared prefix instead of once per token and byte. Stop tokens are kept apart
 * (they end the text), tokens that decode to nothing are left out (they would not advance the
 * grammar). Built once per tokenizer and kept for the JVM; two per tokenizer, since a
 * SentencePiece token decodes without its leading space right after BOS. Immutable.
 */
public final class TokenTrie {
    private static final Map<Tokenizer, TokenTrie[]> CACHE = Collections.synchronizedMap(new WeakHashMap<>());

    /** One trie node: the bytes leading to each child, the children, and the tokens that end here. */
    static final class Node {
        final byte[] labels;
        final Node[] kids;
        final int[] ends;

        Node(byte[] labels, Node[] kids, int[] ends) {
            this.labels = labels;
            this.kids = kids;
            this.ends = ends;
        }
    }

    final Node root;
    final int[] stopIds;
    private final boolean[] singleByte = new boolean[256];

    private TokenTrie(Tokenizer tokenizer, int previous) {
        Builder top = new Builder();
        List<Integer> stops = new ArrayList<>();
        for (int id = 0; id < tokenizer.vocabSize(); id++) {
            if (tokenizer.isStopToken(id)) {
                stops.add(id);
                continue;
            }
            byte[] b = tokenizer.decodeBytes(previous, id);
            if (b.length == 0) {
                continue;
            }
            if (b.length == 1) {
                singleByte[b[0] & 0xFF] = true;
            }
            Builder at = top;
            for (byte x : b) {
                at = at.kids.computeIfAbsent(x & 0xFF, k -> new Builder());
            }
            at.ends.add(id);
        }
        this.root = top.freeze();
        this.stopIds = stops.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The trie of {@code tokenizer}'s tokens as they decode after {@code previous} (BOS, or any other token). */
    public static TokenTrie of(Tokenizer tokenizer, int previous) {
        boolean afterBos = previous >= 0 && previous == tokenizer.bosId();
        TokenTrie[] pair = CACHE.computeIfAbsent(tokenizer, t -> new TokenTrie[2]);
        int slot = afterBos ? 1 : 0;
        synchronized (pair) {
            if (pair[slot] == null) {
                pair[slot] = new TokenTrie(tokenizer, afterBos ? tokenizer.bosId() : -1);
            }
            return pair[slot];
        }
    }

    /**
     * Checks that every byte the grammar may need to close a value is one token, which is what
     * makes "fewest bytes left" also a bound on the tokens left.
     *
     * @throws InvalidSchemaException naming the first byte with no single-byte token
     */
    public void requireSingleByteTokens(OutputConstraint c) {
        for (int b = 0x20; b < 0x7F; b++) {
            requireByte(b, c);
        }
        requireLiteralBytes(c.grammar(), c);
    }

    private void requireLiteralBytes(GrammarNode n, OutputConstraint c) {
        switch (n) {
            case GrammarNode.LiteralNode l -> {
                for (byte[] lit : l.literals()) {
                    for (byte b : lit) {
                        requireByte(b & 0xFF, c);
                    }
                }
            }
            case GrammarNode.ObjectNode o -> o.values().forEach(v -> requireLiteralBytes(v, c));
            case GrammarNode.ArrayNode a -> requireLiteralBytes(a.items(), c);
            case GrammarNode.StringNode s -> { }
            case GrammarNode.NumberNode x -> { }
        }
    }

    private void requireByte(int b, OutputConstraint c) {
        if (!singleByte[b]) {
            throw new InvalidSchemaException(c.setting() + ": the tokenizer has no token for the single byte 0x" + Integer.toHexString(b)
                    + ", which constrained decoding needs to be able to close any value");
        }
    }

    private static final class Builder {
        final TreeMap<Integer, Builder> kids = new TreeMap<>();
        final List<Integer> ends = new ArrayList<>(1);

        Node freeze() {
            byte[] labels = new byte[kids.size()];
            Node[] nodes = new Node[kids.size()];
            int i = 0;
            for (Map.Entry<Integer, Builder> e : kids.entrySet()) {
                labels[i] = (byte) (int) e.getKey();
                nodes[i++] = e.getValue().freeze();
            }
            return new Node(labels, nodes, ends.stream().mapToInt(Integer::intValue).toArray());
        }
    }
}
