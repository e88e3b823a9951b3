package io.sparkllama.engine.structured;

/** Inside an object: before its brace ({@code property} -1), or at byte {@code offset} of property {@code property}'s key prefix. */
record ObjectFrame(GrammarNode.ObjectNode node, int property, int offset) implements Frame {
    @Override
    public MatchState feed(int c, MatchState below) {
        if (property < 0) {
            return c == '{' ? MatchState.replace(new ObjectFrame(node, 0, 0), below) : null;
        }
        byte[][] prefixes = node.prefixes();
        if (property == prefixes.length) {
            return c == '}' ? MatchState.close(below) : null;
        }
        byte[] prefix = prefixes[property];
        if (offset < prefix.length) {
            return c == (prefix[offset] & 0xFF) ? MatchState.replace(new ObjectFrame(node, property, offset + 1), below) : null;
        }
        return MatchState.push(new ObjectFrame(node, property + 1, 0), below, node.values().get(property), c);
    }

    @Override
    public boolean canEnd() {
        return false;
    }

    @Override
    public int minRest() {
        return property < 0 ? node.minLength() : node.suffixMin()[property] - offset;
    }

    /** Same node (by identity: compiled grammars are shared) and same position; what the mask cache keys on. */
    @Override
    public boolean equals(Object o) {
        return o instanceof ObjectFrame f && f.node == node && f.property == property && f.offset == offset;
    }

    @Override
    public int hashCode() {
        return ((System.identityHashCode(node)) * 31 + property) * 31 + offset;
    }
}
