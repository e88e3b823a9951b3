package io.sparkllama.engine.structured;

/** Inside one of a literal set: the literals in {@code [lo, hi)} all begin with the {@code matched} bytes seen. */
record LiteralFrame(GrammarNode.LiteralNode node, int lo, int hi, int matched) implements Frame {
    @Override
    public MatchState feed(int c, MatchState below) {
        byte[][] lits = node.literals();
        int from = lo;
        while (from < hi && (lits[from].length <= matched || (lits[from][matched] & 0xFF) < c)) {
            from++; // sorted: shorter (complete) literals first, then by the byte at matched
        }
        int to = from;
        while (to < hi && (lits[to][matched] & 0xFF) == c) {
            to++;
        }
        if (from == to) {
            return null;
        }
        if (to - from == 1 && lits[from].length == matched + 1) {
            return MatchState.close(below); // complete, and no other literal goes on from here
        }
        return MatchState.replace(new LiteralFrame(node, from, to, matched + 1), below);
    }

    @Override
    public boolean canEnd() {
        return matched > 0 && node.literals()[lo].length == matched;
    }

    @Override
    public int minRest() {
        int min = Integer.MAX_VALUE;
        byte[][] lits = node.literals();
        for (int i = lo; i < hi; i++) {
            min = Math.min(min, lits[i].length - matched);
        }
        return min;
    }

    /** Same node (by identity: compiled grammars are shared) and same position; what the mask cache keys on. */
    @Override
    public boolean equals(Object o) {
        return o instanceof LiteralFrame f && f.node == node && f.lo == lo && f.hi == hi && f.matched == matched;
    }

    @Override
    public int hashCode() {
        return (((System.identityHashCode(node)) * 31 + lo) * 31 + hi) * 31 + matched;
    }
}
