package io.sparkllama.engine.structured;

/** Inside an array: before {@code [}, after it, after an item, or after a comma; {@code count} items begun. */
record ArrayFrame(GrammarNode.ArrayNode node, int phase, int count) implements Frame {
    static final int OPEN = 0;
    static final int FIRST = 1;
    static final int NEXT = 2;
    static final int ITEM = 3;

    @Override
    public MatchState feed(int c, MatchState below) {
        switch (phase) {
            case OPEN:
                return c == '[' ? MatchState.replace(new ArrayFrame(node, FIRST, 0), below) : null;
            case FIRST:
                if (c == ']') {
                    return node.minItems() == 0 ? MatchState.close(below) : null;
                }
                return node.maxItems() > 0 ? MatchState.push(new ArrayFrame(node, NEXT, 1), below, node.items(), c) : null;
            case NEXT:
                if (c == ',') {
                    return count < node.maxItems() ? MatchState.replace(new ArrayFrame(node, ITEM, count), below) : null;
                }
                return c == ']' && count >= node.minItems() ? MatchState.close(below) : null;
            default:
                return MatchState.push(new ArrayFrame(node, NEXT, count + 1), below, node.items(), c);
        }
    }

    @Override
    public boolean canEnd() {
        return false;
    }

    @Override
    public int minRest() {
        long item = node.items().minLength();
        long rest;
        switch (phase) {
            case OPEN:
                return node.minLength();
            case FIRST:
                rest = node.minItems() == 0 ? 1 : node.minItems() * item + node.minItems();
                break;
            case NEXT:
                rest = Math.max(0, node.minItems() - count) * (1 + item) + 1;
                break;
            default:
                rest = item + (Math.max(1, node.minItems() - count) - 1) * (1 + item) + 1;
                break;
        }
        return (int) Math.min(Integer.MAX_VALUE, rest);
    }

    /** Same node (by identity: compiled grammars are shared) and same position; what the mask cache keys on. */
    @Override
    public boolean equals(Object o) {
        return o instanceof ArrayFrame f && f.node == node && f.phase == phase && f.count == count;
    }

    @Override
    public int hashCode() {
        return ((System.identityHashCode(node)) * 31 + phase) * 31 + count;
    }
}
