package io.sparkllama.engine.structured;

import java.util.Arrays;

/**
 * One step's mask: sets to minus infinity the logit of every token that the grammar does not
 * allow next, or after which fewer tokens would be left than the value needs to close. Walks the
 * {@link TokenTrie} depth first, stepping the grammar state once per trie edge and dropping a
 * whole subtree at the first byte the grammar refuses; a state's result is kept in a
 * {@link MaskCache}, so a state seen before costs a bitset copy instead of the walk. Holds a
 * vocabulary-sized scratch; one per thread.
 */
public final class TokenMask {
    private final int vocab;
    private final long[] bits;
    private final MaskCache cache;
    private final MaskCache.Key probe = new MaskCache.Key();
    private int maxMinBytes;

    /** A mask using the JVM's shared {@link MaskCache}. */
    public TokenMask(int vocabSize) {
        this(vocabSize, MaskCache.shared());
    }

    public TokenMask(int vocabSize, MaskCache cache) {
        this.vocab = vocabSize;
        this.bits = new long[(vocabSize + 63) >>> 6];
        this.cache = cache;
    }

    /**
     * Masks {@code logits[off..off+n)} for a sequence at {@code state} that may still produce
     * {@code tokensLeft} tokens (this one included); {@code requestStops} are the request's own
     * stop ids, allowed, as the tokenizer's, only where the value can end.
     *
     * @return the number of tokens left allowed (at least one while the budget rule holds)
     */
    public int apply(MatchState state, int tokensLeft, TokenTrie trie, int[] requestStops, float[] logits, int off, int n) {
        int budgetAfter = tokensLeft - 1;
        if (!cache.enabled()) {
            walkInto(trie, state, budgetAfter);
        } else {
            MaskCache.Entry e = cache.get(probe.set(trie, state));
            probe.set(null, null);
            if (e == null) {
                walkInto(trie, state, Integer.MAX_VALUE); // the grammar's own set; the budget is applied below
                e = cache.put(trie, state, bits, maxMinBytes);
            }
            if (budgetAfter >= e.maxMinBytes) {
                System.arraycopy(e.bits, 0, bits, 0, bits.length);
            } else {
                walkInto(trie, state, budgetAfter); // near the end of the budget: some allowed tokens would leave too little room
            }
        }
        boolean canStop = state.canFinish();
        for (int id : trie.stopIds) {
            mark(id, canStop);
        }
        for (int id : requestStops) {
            mark(id, canStop);
        }
        int kept = 0;
        for (int i = 0; i < n; i++) {
            if (i < vocab && (bits[i >>> 6] & (1L << i)) != 0) {
                kept++;
            } else {
                logits[off + i] = Float.NEGATIVE_INFINITY;
            }
        }
        return kept;
    }

    private void walkInto(TokenTrie trie, MatchState state, int budgetAfter) {
        Arrays.fill(bits, 0L);
        maxMinBytes = 0;
        walk(trie.root, state, budgetAfter);
    }

    private void mark(int id, boolean allow) {
        if (id >= 0 && id < vocab) {
            if (allow) {
                bits[id >>> 6] |= 1L << id;
            } else {
                bits[id >>> 6] &= ~(1L << id);
            }
        }
    }

    private void walk(TokenTrie.Node node, MatchState state, int budgetAfter) {
        byte[] labels = node.labels;
        for (int i = 0; i < labels.length; i++) {
            MatchState next = state.step(labels[i] & 0xFF);
            if (next == null) {
                continue;
            }
            TokenTrie.Node kid = node.kids[i];
            int need = next.minBytes();
            if (kid.ends.length > 0 && need <= budgetAfter) {
                maxMinBytes = Math.max(maxMinBytes, need);
                for (int id : kid.ends) {
                    mark(id, true);
                }
            }
            if (!next.done()) {
                walk(kid, next, budgetAfter);
            }
        }
    }
}
