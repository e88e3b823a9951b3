package io.sparkllama.engine.model;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * One KV block of a {@link PrefixCache}: positions {@code [start, start + length)} of every
 * sequence whose tokens there are {@link #tokens}, with the logprob of each of those tokens given
 * the ones before it where a sequence computed it.
 */
final class PrefixNode {
    final PrefixNode parent;
    /** First position of the block (a multiple of {@link KvBlockPool#BLOCK}). */
    final int start;
    final int[] tokens = new int[KvBlockPool.BLOCK];
    /** Tokens of the block. */
    int length;
    /** Positions of the block whose keys and values are written (a prefix of {@link #length}). */
    int computed;
    /** Logprob of {@code tokens[j]} given every token before it, NaN where no sequence computed it. */
    final double[] logprobs = new double[KvBlockPool.BLOCK];
    /** Whether {@code tokens[j]} was the argmax at the position before it (meaningful where its logprob is known). */
    final boolean[] greedy = new boolean[KvBlockPool.BLOCK];
    MemorySegment block;
    PrefixNode[] children = new PrefixNode[0];
    int childCount;
    /** Live sequences whose block table holds this block. */
    int refs;
    /** A live sequence is still writing its positions: others wait for them rather than compute them twice. */
    boolean writing;
    long lastUse;
    /** Index in the cache's node list (for removal in constant time). */
    int slot;

    PrefixNode(PrefixNode parent, int start) {
        this.parent = parent;
        this.start = start;
        Arrays.fill(logprobs, Double.NaN);
    }

    /** Tokens of {@code seq[start ..]} (up to {@code limit} of them) equal to this block's, counted from its start. */
    int common(int[] seq, int limit) {
        int n = Math.min(length, limit);
        int i = 0;
        while (i < n && tokens[i] == seq[start + i]) {
            i++;
        }
        return i;
    }

    boolean full() {
        return computed == KvBlockPool.BLOCK;
    }

    void addChild(PrefixNode child) {
        if (childCount == children.length) {
            children = Arrays.copyOf(children, Math.max(4, 2 * childCount));
        }
        children[childCount++] = child;
    }

    void removeChild(PrefixNode child) {
        for (int i = 0; i < childCount; i++) {
            if (children[i] == child) {
                children[i] = children[--childCount];
                children[childCount] = null;
                return;
            }
        }
    }
}
