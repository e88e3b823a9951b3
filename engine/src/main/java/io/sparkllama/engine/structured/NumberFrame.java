package io.sparkllama.engine.structured;

/**
 * Inside a JSON number {@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?}; {@code digits}
 * counts the digits of the current part, capped so that an integer fits a Spark {@code bigint}
 * and a number a {@code double}.
 */
record NumberFrame(GrammarNode.NumberNode node, int phase, int digits) implements Frame {
    static final int START = 0;
    static final int MINUS = 1;
    static final int ZERO = 2;
    static final int INT = 3;
    static final int DOT = 4;
    static final int FRACTION = 5;
    static final int E = 6;
    static final int E_SIGN = 7;
    static final int EXPONENT = 8;
    /** Integer digits at most: 18 always fit a signed 64-bit integer. */
    static final int MAX_INT_DIGITS = 18;
    static final int MAX_FRACTION_DIGITS = 17;
    static final int MAX_EXPONENT_DIGITS = 2;

    @Override
    public MatchState feed(int c, MatchState below) {
        boolean digit = c >= '0' && c <= '9';
        boolean real = !node.integer();
        switch (phase) {
            case START:
                if (c == '-') {
                    return to(MINUS, 0, below);
                }
                // fall through: the first digit
            case MINUS:
                return c == '0' ? to(ZERO, 1, below) : digit ? to(INT, 1, below) : null;
            case ZERO:
            case INT:
                if (phase == INT && digit && digits < MAX_INT_DIGITS) {
                    return to(INT, digits + 1, below);
                }
                return real && c == '.' ? to(DOT, 0, below) : real && (c == 'e' || c == 'E') ? to(E, 0, below) : null;
            case DOT:
                return digit ? to(FRACTION, 1, below) : null;
            case FRACTION:
                if (digit) {
                    return digits < MAX_FRACTION_DIGITS ? to(FRACTION, digits + 1, below) : null;
                }
                return c == 'e' || c == 'E' ? to(E, 0, below) : null;
            case E:
                return c == '+' || c == '-' ? to(E_SIGN, 0, below) : digit ? to(EXPONENT, 1, below) : null;
            case E_SIGN:
                return digit ? to(EXPONENT, 1, below) : null;
            default:
                return digit && digits < MAX_EXPONENT_DIGITS ? to(EXPONENT, digits + 1, below) : null;
        }
    }

    private MatchState to(int next, int count, MatchState below) {
        return MatchState.replace(new NumberFrame(node, next, count), below);
    }

    @Override
    public boolean canEnd() {
        return phase == ZERO || phase == INT || phase == FRACTION || phase == EXPONENT;
    }

    @Override
    public int minRest() {
        return canEnd() ? 0 : 1;
    }

    /** Same node (by identity: compiled grammars are shared) and same position; what the mask cache keys on. */
    @Override
    public boolean equals(Object o) {
        return o instanceof NumberFrame f && f.node == node && f.phase == phase && f.digits == digits;
    }

    @Override
    public int hashCode() {
        return ((System.identityHashCode(node)) * 31 + phase) * 31 + digits;
    }
}
