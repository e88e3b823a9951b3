package io.sparkllama.engine.structured;

/**
 * A position in a grammar: a persistent stack of {@link Frame}s, the innermost value on top. A
 * frame that pushes a child first moves itself past that child, so the frames below the top
 * already say what follows it and {@link #minBytes} is a plain sum. Immutable.
 */
public final class MatchState {
    /** The value is complete and nothing more may follow. */
    static final MatchState DONE = new MatchState(null, null);

    private final Frame top;
    private final MatchState below;
    private final int minBytes;
    private int hash; // computed on first use (0: not yet), as String does

    MatchState(Frame top, MatchState below) {
        this.top = top;
        this.below = below;
        this.minBytes = top == null ? 0 : saturatedAdd(top.minRest(), below == null ? 0 : below.minBytes);
    }

    /** The state before any byte of a value of {@code root}. */
    public static MatchState start(GrammarNode root) {
        return new MatchState(root.start(), null);
    }

    /** The state after {@code c}, or null when the grammar does not allow it. */
    public MatchState step(int c) {
        MatchState s = this;
        while (s.top != null) {
            MatchState next = s.top.feed(c, s.below);
            if (next != null) {
                return next;
            }
            if (!s.top.canEnd() || s.below == null) {
                return null;
            }
            s = s.below; // the value ended just before c: c belongs to the enclosing node
        }
        return null;
    }

    /** The state after all of {@code bytes}, or null when the grammar does not allow them. */
    public MatchState step(byte[] bytes) {
        MatchState s = this;
        for (int i = 0; i < bytes.length && s != null; i++) {
            s = s.step(bytes[i] & 0xFF);
        }
        return s;
    }

    /** Complete, and nothing more may follow: generation ends here. */
    public boolean done() {
        return top == null;
    }

    /** The text so far is a complete value (more may still follow): an end of sequence is allowed. */
    public boolean canFinish() {
        return top == null || (below == null && top.canEnd());
    }

    /** The fewest bytes that complete the value from here. */
    public int minBytes() {
        return minBytes;
    }

    /** This state with {@code f} replacing the top frame. */
    static MatchState replace(Frame f, MatchState below) {
        return new MatchState(f, below);
    }

    /** The state once the top frame's value closed: its parent, or {@link #DONE} at the root. */
    static MatchState close(MatchState below) {
        return below == null ? DONE : below;
    }

    /** Starts a value of {@code child} with byte {@code c}, over {@code parentAfter} (the parent already past that value). */
    static MatchState push(Frame parentAfter, MatchState below, GrammarNode child, int c) {
        return child.start().feed(c, new MatchState(parentAfter, below));
    }

    /** Equal frames all the way down: two sequences at equal states allow the same next tokens. */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof MatchState other) || other.hashCode() != hashCode()) {
            return false;
        }
        MatchState a = this;
        MatchState b = other;
        while (a != null && b != null) {
            if (a == b) {
                return true;
            }
            if (a.top == null ? b.top != null : !a.top.equals(b.top)) {
                return false;
            }
            a = a.below;
            b = b.below;
        }
        return a == b;
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            for (MatchState s = this; s != null; s = s.below) {
                h = h * 31 + (s.top == null ? 0 : s.top.hashCode());
            }
            h = h == 0 ? 1 : h;
            hash = h;
        }
        return h;
    }

    static int saturatedAdd(int a, int b) {
        long s = (long) a + b;
        return s > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) s;
    }
}
