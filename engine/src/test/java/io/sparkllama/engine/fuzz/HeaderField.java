package io.sparkllama.engine.fuzz;

/**
 * A little-endian number in a file: where it is, how wide, and what it holds, which decides the
 * values a mutation writes there.
 */
record HeaderField(int offset, int width, Kind kind) {
    enum Kind {
        /** A count, length, dimension, type code or offset: set to boundary integers. */
        INTEGER,
        /** A header float (epsilon, RoPE base, a token score): set to NaN, infinities, 0, -1, 1e38, denormals. */
        FLOAT,
        /**
         * A weight the load check reads (a norm value, the first value of a matrix row): set to NaN,
         * infinity or an ordinary value. Finite but absurd weights (1e38) overflow inside the forward
         * pass; that is the per-step logits check's to catch, not the load check's.
         */
        WEIGHT
    }

    static HeaderField integer(long offset, int width) {
        return new HeaderField((int) offset, width, Kind.INTEGER);
    }

    static HeaderField floating(long offset, int width) {
        return new HeaderField((int) offset, width, Kind.FLOAT);
    }

    static HeaderField weight(long offset, int width) {
        return new HeaderField((int) offset, width, Kind.WEIGHT);
    }
}
