package io.sparkllama.engine.structured;

/** Inside a string: before its opening quote ({@code chars} -1), or after {@code chars} characters. */
record StringFrame(GrammarNode.StringNode node, int chars) implements Frame {
    @Override
    public MatchState feed(int c, MatchState below) {
        if (chars < 0) {
            return c == '"' ? MatchState.replace(new StringFrame(node, 0), below) : null;
        }
        if (c == '"') {
            return chars >= node.minChars() ? MatchState.close(below) : null;
        }
        return allowed(c) && chars < node.maxChars() ? MatchState.replace(new StringFrame(node, chars + 1), below) : null;
    }

    /** Printable ASCII but the quote and the backslash: no escapes, so no character needs more than one byte. */
    static boolean allowed(int c) {
        return c >= 0x20 && c < 0x7F && c != '"' && c != '\\';
    }

    @Override
    public boolean canEnd() {
        return false;
    }

    @Override
    public int minRest() {
        return chars < 0 ? node.minLength() : Math.max(0, node.minChars() - chars) + 1;
    }

    /** Same node (by identity: compiled grammars are shared) and same position; what the mask cache keys on. */
    @Override
    public boolean equals(Object o) {
        return o instanceof StringFrame f && f.node == node && f.chars == chars;
    }

    @Override
    public int hashCode() {
        return (System.identityHashCode(node)) * 31 + chars;
    }
}
