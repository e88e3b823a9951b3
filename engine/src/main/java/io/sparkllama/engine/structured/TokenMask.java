package io.sparkllama.engine.structured;

import java.util.Arrays;

/**
 * One step's mask: sets to minus infinity the logit of every token that the grammar does not
 * allow next, or after which fewer tokens would be left than the value needs to close. Walks the
 * {@link TokenTrie} depth first, stepping the grammar state once per trie edge and dropping a
 * whole subtree at the first byte the grammar refuses. Holds a vocabulary-sized scratch; one per
 * thread.
 */
public final class TokenMask {
    private final boolean[] allowed;

    public TokenMask(int vocabSize) {
        this.allowed = new boolean[vocabSize];
    }

    /**
     * Masks {@code logits[off..off+n)} for a sequence at {@code state} that may still produce
     * {@code tokensLeft} tokens (this one included); {@code requestStops} are the request's own
     * stop ids, allowed, as the tokenizer's, only where the value can end.
     *
     * @return the number of tokens left allowed (at least one while the budget rule holds)
     */
    public int apply(MatchState state, int tokensLeft, TokenTrie trie, int[] requestStops, float[] logits, int off, int n) {
        walk(trie.root, state, tokensLeft - 1);
        boolean canStop = state.canFinish();
        for (int id : trie.stopIds) {
            mark(id, canStop);
        }
        for (int id : requestStops) {
            mark(id, canStop);
        }
        int kept = 0;
        for (int i = 0; i < n; i++) {
            if (i < allowed.length && allowed[i]) {
                kept++;
            } else {
                logits[off + i] = Float.NEGATIVE_INFINITY;
            }
        }
        Arrays.fill(allowed, false);
        return kept;
    }

    private void mark(int id, boolean allow) {
        if (id >= 0 && id < allowed.length) {
            allowed[id] = allow;
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
            if (kid.ends.length > 0 && next.minBytes() <= budgetAfter) {
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
