package io.sparkllama.engine.structured;

/** Where matching stands inside one grammar node; immutable, so a state is shared by every branch of the trie walk. */
interface Frame {
    /** The whole state after byte {@code c} (0-255) in this frame above {@code below}, or null when {@code c} cannot come next here. */
    MatchState feed(int c, MatchState below);

    /** Whether the value may end here, the next byte then belonging to the enclosing node (a number, a label that prefixes another). */
    boolean canEnd();

    /** The fewest bytes that complete this frame's value. */
    int minRest();
}
